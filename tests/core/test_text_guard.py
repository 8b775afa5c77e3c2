"""Property tests of the secret guard (core.text_guard).

Generated NIR (with a valid, wrong or no key), card numbers (with or without a valid Luhn) and IBAN
(valid or with a typo, any case) under random separators are refused wherever they appear; labelled
passwords, codes and identifiers are refused under every way workers write the label; descriptions of
the act (« mot de passe réinitialisé avec la personne ») and ordinary desk notes with dates, times,
phone numbers and references are accepted. These generalise beyond the written corpus
(tests/core/test_guard_corpus.py)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import text_guard
from core.text_guard import FreeTextGuard, guard_free_text, problems

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

digits = st.integers(min_value=0, max_value=9).map(str)


def digit_string(n):
    return st.lists(digits, min_size=n, max_size=n).map("".join)


# --- generators of the secrets -------------------------------------------------------------------


SEPARATORS = st.sampled_from(["", " ", " ", ".", "-", "_", "  ", " - "])


def regroup(draw, compact: str, natural: list[int], keep_together=frozenset()) -> str:
    """Cut ``compact`` in its natural groups or in random ones, joined by random separators."""
    if draw(st.booleans()):
        sizes = natural
    else:
        sizes, left = [], len(compact)
        while left:
            size = min(left, draw(st.integers(1, 5)))
            if not keep_together.isdisjoint({len(compact) - left + size}):
                size = min(left, size + 1)  # « 2A » is never cut in two
            sizes.append(size)
            left -= size
    parts, position = [], 0
    for size in sizes:
        parts.append(compact[position : position + size])
        position += size
    separator = draw(SEPARATORS)
    if draw(st.booleans()):
        return separator.join(parts)
    # A different separator between each group.
    return "".join(part + (draw(SEPARATORS) if index < len(parts) - 1 else "") for index, part in enumerate(parts))


@st.composite
def nirs(draw, key="any"):
    """A NIR (13 characters, or 15 with a valid, wrong or no key) under random separators."""
    sexe = draw(st.sampled_from("12"))
    annee = f"{draw(st.integers(0, 99)):02d}"
    mois = f"{draw(st.integers(1, 12)):02d}"
    dept = draw(st.one_of(st.integers(1, 95).filter(lambda d: d != 20).map(lambda d: f"{d:02d}"),
                          st.sampled_from(["2A", "2B", "2a", "2b"])))  # fmt: skip
    commune = f"{draw(st.integers(1, 990)):03d}"
    ordre = f"{draw(st.integers(1, 999)):03d}"
    body = sexe + annee + mois + dept + commune + ordre
    valid = text_guard.nir_key(body)
    mode = draw(st.sampled_from(["valid", "wrong", "none"])) if key == "any" else key
    if mode == "valid":
        suffix = f"{valid:02d}"
    elif mode == "wrong":
        suffix = f"{draw(st.integers(1, 97).filter(lambda k: k != valid)):02d}"
    else:
        suffix = ""
    natural = [1, 2, 2, 2, 3, 3] + ([2] if suffix else [])
    return regroup(draw, body + suffix, natural, keep_together=frozenset({6}))


def luhn_complete(partial: str) -> str:
    for check in "0123456789":
        if text_guard.luhn_valid(partial + check):
            return partial + check
    raise AssertionError("unreachable")


@st.composite
def card_numbers(draw):
    """Visa, Mastercard, CB, Amex numbers, with a valid Luhn or a typo in the last digit."""
    brand = draw(st.sampled_from(["visa", "mastercard", "amex", "cb19"]))
    if brand == "visa":
        number = luhn_complete("4" + draw(digit_string(14)))
    elif brand == "mastercard":
        number = luhn_complete(draw(st.sampled_from(["51", "52", "53", "54", "55", "22"])) + draw(digit_string(13)))
    elif brand == "amex":
        number = luhn_complete(draw(st.sampled_from(["34", "37"])) + draw(digit_string(12)))
    else:
        number = luhn_complete("4" + draw(digit_string(17)))
    if draw(st.booleans()):  # a typo: the Luhn check fails
        number = number[:-1] + str((int(number[-1]) + draw(st.integers(1, 9))) % 10)
    if brand == "amex":
        natural = [4, 6, 5]
    else:
        natural = [4] * (len(number) // 4) + ([len(number) % 4] if len(number) % 4 else [])
    separator = draw(st.sampled_from(["", " ", "-", ".", "_", "  "]))
    groups, position = [], 0
    for size in natural:
        groups.append(number[position : position + size])
        position += size
    return separator.join(groups), brand, text_guard.luhn_valid(number)


def iban_check_digits(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


alnum_upper = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@st.composite
def ibans(draw):
    """An IBAN of any listed country, valid or with one wrong digit, any case, any separators."""
    country = draw(st.sampled_from(sorted(text_guard.IBAN_LENGTHS)))
    length = text_guard.IBAN_LENGTHS[country] - 4
    bban = draw(digit_string(length))
    if country in ("FR", "MC", "IT") and draw(st.booleans()):
        position = draw(st.integers(10, length - 3))
        bban = bban[:position] + draw(st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ")) + bban[position + 1 :]
    iban = country + iban_check_digits(country, bban) + bban
    if draw(st.booleans()):  # one wrong digit: the checksum fails
        position = draw(st.integers(4, len(iban) - 1))
        if iban[position].isdigit():
            iban = iban[:position] + str((int(iban[position]) + 1) % 10) + iban[position + 1 :]
    separator = draw(st.sampled_from(["", " ", "-", ".", " "]))
    iban = separator.join(iban[i : i + 4] for i in range(0, len(iban), 4))
    case = draw(st.sampled_from(["upper", "lower", "title"]))
    return iban.lower() if case == "lower" else iban.title() if case == "title" else iban


# --- ordinary French desk notes ---------------------------------------------------------------------

FRAGMENTS = [
    "Madame est venue pour sa demande de prime d'activité",
    "Monsieur souhaite actualiser sa situation auprès de France Travail",
    "Création d'une adresse e-mail avec elle, elle l'a notée dans son carnet",
    "Elle reviendra avec ses justificatifs de domicile",
    "Rendez-vous pris à la CAF",
    "Orientée vers l'assistante sociale pour le dossier logement",
    "Il a scanné son avis d'imposition sur son téléphone",
    "Aide pour installer l'application ameli",
    "A fait seul la déclaration, je suis resté à côté",
    "Demande de logement social à renouveler avant la fin du mois",
    "Passer à la droguerie n'a rien à voir, elle voulait un plan du quartier",
    "Rendez-vous devant l'enceinte de la mairie",
    "Le syndic de copropriété a envoyé un courrier",
    "Atelier clavier et souris jeudi prochain",
    "Le dossier MDPH est complet",
    "Numéro de dossier CAF noté par la personne sur son carnet",
    "Préfère être appelée le matin",
    "Son fils l'accompagne pour traduire",
    "Simulation de droits faite ensemble",
    "Impression de l'attestation de droits",
    "Pas d'ordinateur à la maison, seulement un smartphone",
    "La personne a choisi un code pour son téléphone et l'a gardé pour elle",
    "Connexion via FranceConnect réussie en autonomie",
    "Chèque énergie reçu",
    "Prendre un rendez-vous en préfecture pour le titre de séjour",
]


@st.composite
def numbers_in_notes(draw):
    kinds = ["date", "time", "phone", "amount", "postal", "reference", "caf", "year", "count", "ticket", "organisme"]
    kind = draw(st.sampled_from([*kinds, "siret"]))
    if kind == "date":
        return f"le {draw(st.integers(1, 28)):02d}/{draw(st.integers(1, 12)):02d}/{draw(st.integers(2020, 2030))}"
    if kind == "time":
        return f"à {draw(st.integers(8, 18))}h{draw(st.sampled_from(['00', '15', '30', '45']))}"
    if kind == "phone":
        rest = draw(digit_string(8))
        return "au 0" + draw(st.sampled_from("67")) + " " + " ".join(rest[i : i + 2] for i in range(0, 8, 2))
    if kind == "amount":
        return f"montant {draw(st.integers(1, 2000))},{draw(st.integers(0, 99)):02d} €"
    if kind == "postal":
        return f"code postal {draw(st.sampled_from(['13001', '13700', '13127', '13500', '75019', '59000']))}"
    if kind == "reference":
        return "fiche MAL-" + "".join(draw(st.lists(st.sampled_from("23456789ABCDEFGHJKMNPQRSTUVWXYZ"), min_size=4,
                                                    max_size=4)))  # fmt: skip
    if kind == "caf":
        return f"dossier n° {draw(digit_string(7))}"
    if kind == "ticket":
        return f"ticket {draw(st.sampled_from('ABCDEFG'))}-{draw(st.integers(1, 999)):03d}"
    if kind == "organisme":
        return f"appel au {draw(st.sampled_from(['3646', '3949', '3939', '3230', '3960', '3919', '115']))}"
    if kind == "siret":
        return "SIRET " + luhn_complete(draw(digit_string(13)))
    if kind == "year":
        return f"en {draw(st.integers(2000, 2030))}"
    return f"{draw(st.integers(1, 12))} pièces justificatives"


@st.composite
def ordinary_notes(draw):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        fragment = draw(st.sampled_from(FRAGMENTS))
        if draw(st.booleans()):
            fragment += " " + draw(numbers_in_notes())
        parts.append(fragment)
    return (". ".join(parts) + ".")[:500]


# --- labelled values --------------------------------------------------------------------------------


def shout(draw, text: str) -> str:
    style = draw(st.sampled_from(["as is", "lower", "upper", "title"]))
    return {"as is": text, "lower": text.lower(), "upper": text.upper(), "title": text.title()}[style]


PASSWORD_LABELS = [
    "mot de passe", "mdp", "MDP", "m.d.p", "M.D.P", "m d p", "mot-de-passe", "mot 2 passe", "motdepasse", "mot de pass",
    "mot de passse", "mots de passe", "mo de passe", "password", "passwd", "pwd", "pass", "passe", "nouveau mdp",
    "son mot de passe", "le mdp",
]  # fmt: skip
SERVICES = ["", " ameli", " caf", " CAF", " impots", " impôts", " France Connect", " gmail", " de la CAF", " du compte",
            " France Travail", " pôle emploi", " msa", " de sa boite mail", " provisoire"]  # fmt: skip
SEPARATORS_AFTER_LABEL = [" : ", ": ", ":", " = ", "=", " est ", " c'est ", " ", " -> ", " c "]
FIRST_NAMES = ["Soleil", "Marseille", "Nadia", "kevin", "lola", "Rayan", "Tigrou", "chaton", "Amine", "Fatou", "Inès"]


@st.composite
def password_values(draw):
    word = draw(st.sampled_from(FIRST_NAMES))
    digits = draw(st.integers(0, 9999))
    symbol = draw(st.sampled_from(["", "", "!", "*", "#", "."]))
    style = draw(st.sampled_from(["word+digits", "digits+word", "mixed"]))
    if style == "word+digits":
        return f"{word}{digits}{symbol}"
    if style == "digits+word":
        return f"{digits:02d}{word.lower()}{symbol}"
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(word)) + str(digits % 100)


@st.composite
def labelled_passwords(draw):
    label = draw(st.sampled_from(PASSWORD_LABELS))
    text = shout(draw, label) + draw(st.sampled_from(SERVICES)) + draw(st.sampled_from(SEPARATORS_AFTER_LABEL))
    return draw(st.sampled_from(["", "Noté : ", "pour info "])) + text + draw(password_values())


CODE_LABELS = [
    "code", "code pin", "code PIN", "PIN", "code secret", "code confidentiel", "code d'accès", "code d acces",
    "code de connexion", "code ameli", "code caf", "code impots", "code France Connect", "code reçu par SMS",
    "code recu par sms", "code de vérification", "code carte bleue", "code cb", "code de la carte",
    "code d'activation", "code personnel", "code à 6 chiffres",
]  # fmt: skip


@st.composite
def labelled_codes(draw):
    label = shout(draw, draw(st.sampled_from(CODE_LABELS)))
    value = draw(digit_string(draw(st.integers(4, 8))))
    if len(value) % 2 == 0 and draw(st.booleans()):
        value = " ".join(value[i : i + 2] for i in range(0, len(value), 2))
    return label + draw(st.sampled_from([" : ", " ", ": ", " = ", " est "])) + value


@st.composite
def emails(draw):
    user = draw(st.sampled_from(["jean.dupont", "nadia.b", "kevin59", "lola_martin", "f.diop", "ahmed2022"]))
    domain = draw(st.sampled_from(["gmail.com", "hotmail.fr", "orange.fr", "laposte.net", "yahoo.fr", "free.fr"]))
    return f"{user}@{domain}"


IDENTIFIER_LABELS = [
    "identifiant", "identifiants", "Identifiant", "indentifiant", "identifient", "ident", "id", "ID", "login",
    "user", "utilisateur", "nom d'utilisateur", "identifiant de connexion", "son identifiant", "username",
]  # fmt: skip


@st.composite
def identifier_values(draw):
    kind = draw(st.sampled_from(["email", "login", "digits", "dotted"]))
    if kind == "email":
        return draw(emails())
    if kind == "login":
        return draw(st.sampled_from(["jdupont", "nbenali", "kmartin"])) + str(draw(st.integers(1, 2025)))
    if kind == "digits":
        return draw(digit_string(7)) + draw(st.sampled_from(["", "A", "K", "X"]))
    return draw(st.sampled_from(["jean.d", "nadia_b", "k.martin", "lola.m"]))


@st.composite
def labelled_identifiers(draw):
    label = shout(draw, draw(st.sampled_from(IDENTIFIER_LABELS)))
    separator = draw(st.sampled_from([" : ", " ", ": ", " = ", " est ", " c'est "]))
    return label + draw(st.sampled_from(SERVICES[:12])) + separator + draw(identifier_values())


@st.composite
def email_password_pairs(draw):
    separator = draw(st.sampled_from([" / ", "/", " ", " : ", " - ", " et ", " | ", "  "]))
    return draw(emails()) + separator + draw(password_values())


# --- mentions of the act -----------------------------------------------------------------------------

ACTS = ["réinitialisé", "reinitialise", "changé", "change", "oublié", "oublie", "récupéré", "bloqué", "modifié",
        "créé", "renouvelé", "retrouvé", "à changer", "à récupérer", "perdu", "expiré", "refait"]  # fmt: skip
COMPLEMENTS = ["", " avec la personne", " par la personne elle-même", " en autonomie", ", elle le garde",
               " le 12/03/2025", " à 14h30", " via le 3646", " hier", ", procédure faite", " ensemble",
               ", elle l'a noté dans son carnet", " (ticket A-017)", " avant le 15/04"]  # fmt: skip


@st.composite
def mentions(draw):
    label = draw(st.sampled_from(["mot de passe", "mdp", "Mot de passe", "identifiant", "identifiants", "code",
                                  "code secret", "code PIN", "mot-de-passe", "login", "MDP"]))  # fmt: skip
    service = draw(st.sampled_from(["", " ameli", " caf", " France Connect", " impots"]))
    form = draw(st.sampled_from(["act", "help", "sms"]))
    if form == "act":
        return label + service + " " + draw(st.sampled_from(ACTS)) + draw(st.sampled_from(COMPLEMENTS))
    if form == "help":
        verb = draw(st.sampled_from(["récupérer", "changer", "réinitialiser", "créer", "retrouver"]))
        return f"aide pour {verb} son {label.lower()}{service}" + draw(st.sampled_from(COMPLEMENTS))
    return draw(st.sampled_from(["il a reçu un code par SMS et l'a saisi lui-même",
                                 "code reçu par SMS, saisi par la personne",
                                 "code postal 13001", "inscription au code de la route",
                                 "elle a tapé son code elle-même"])) + draw(st.sampled_from(COMPLEMENTS))  # fmt: skip


@st.composite
def wrapped(draw, secret_strategy):
    secret = draw(secret_strategy)
    before = draw(st.sampled_from(["", "Numéro : ", "Noté pour la personne ", "voir ", "Madame est venue. "]))
    after = draw(st.sampled_from(["", ".", " à vérifier", ", merci", " (rdv le 12/03/2025)"]))
    return before + secret + after


# --- properties ------------------------------------------------------------------------------------


@FAST
@given(wrapped(nirs()))
def test_nir_with_or_without_a_valid_key_under_any_separator_is_refused(text):
    assert "nir" in problems(text), text


@FAST
@given(card_numbers(), st.sampled_from(["", "CB ", "carte ", "n° ", "Numéro : "]))
def test_card_number_with_or_without_luhn_is_refused(card, before):
    number, _brand, _valid = card
    assert "card" in problems(before + number), before + number


@FAST
@given(wrapped(ibans()))
def test_iban_valid_or_with_a_typo_in_any_case_is_refused(text):
    assert "iban" in problems(text), text


@FAST
@given(labelled_passwords())
def test_labelled_password_is_refused(text):
    assert {"password", "email_password"} & set(problems(text)), text


@FAST
@given(labelled_codes())
def test_labelled_code_is_refused(text):
    assert {"code", "card_security"} & set(problems(text)), text


@FAST
@given(labelled_identifiers())
def test_labelled_identifier_is_refused(text):
    assert {"identifier", "account_number"} & set(problems(text)), text


@FAST
@given(email_password_pairs())
def test_email_followed_by_a_password_is_refused(text):
    assert "email_password" in problems(text), text


@FAST
@given(mentions())
def test_describing_the_act_is_accepted(text):
    assert problems(text) == [], text


@FAST
@given(ordinary_notes())
def test_ordinary_french_notes_are_accepted(text):
    assert problems(text) == [], text
    guard_free_text(text)


@FAST
@given(st.text(max_size=600))
def test_guard_never_crashes(text):
    try:
        guard_free_text(text)
    except ValidationError as error:
        assert all(message for message in error.messages)


@pytest.mark.parametrize(
    "text,code",
    [
        ("mdp : Soleil2024!", "password"),
        ("Mot de passe ameli : Marseille13!", "password"),
        ("mot de passe azerty", "password"),
        ("identifiant ameli : 1234567", "identifier"),
        ("Identifiant France Travail: 1234567A", "identifier"),
        ("login caf: jdupont", "identifier"),
        ("Son identifiant France Connect est jean.dupont@gmail.com", "identifier"),
        ("code secret 1234", "code"),
        ("code PIN 0000", "code"),
        ("password=Azerty123", "password"),
        ("jean.dupont@gmail.com / Soleil2024", "email_password"),
        ("identifiant fiscal 1234567890123", "fiscal"),
        ("numéro allocataire 1234567", "account_number"),
        ("cryptogramme 123", "card_security"),
        ("RIB 30006 00001 12345678901 89", "iban"),
        ("Elle est enceinte de 5 mois", "health"),
        ("addiction à l'alcool", "health"),
        ("Suivi en psychiatrie", "health"),
        ("il est musulman", "opinion"),
        ("Il sort de prison", "offence"),
    ],
)
def test_examples_are_refused_with_a_french_message(text, code):
    assert code in problems(text)
    with pytest.raises(ValidationError) as error:
        guard_free_text(text)
    assert error.value.messages[0].startswith(("Ne notez jamais", "Ce texte semble"))


@pytest.mark.parametrize("code,message", sorted(text_guard.MESSAGES.items()))
def test_every_message_is_french_and_says_what_to_write_instead(code, message):
    if code != "length":
        assert "Notez plutôt" in message or "Notez seulement" in message


def test_secret_message_says_what_to_do_instead():
    with pytest.raises(ValidationError) as error:
        guard_free_text("mdp: Soleil2024!")
    assert "Soleil2024" not in error.value.messages[0]
    assert "Notez plutôt : « mot de passe changé avec la personne, elle le garde »" in error.value.messages[0]


def test_fold_keeps_positions():
    text = "Mot de passe ’Éléonore’ – ÇA\u00a0va ﬁn"
    assert len(text_guard.fold(text)) == len(text)
    assert text_guard.fold("Éléonore’s") == "eleonore's"


def test_length_limits():
    assert problems("a" * 500) == []
    assert problems("a" * 501) == ["length"]
    with pytest.raises(ValidationError, match="60 caractères"):
        FreeTextGuard(60)("b" * 61)
    FreeTextGuard(60)("Awa")
    assert FreeTextGuard(60) == FreeTextGuard(60) and FreeTextGuard(60) != FreeTextGuard(30)
