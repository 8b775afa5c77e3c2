"""Property tests of the secret guard (core.text_guard): generated valid NIR, IBAN and card numbers
are refused wherever they appear; ordinary French desk notes are accepted."""

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


@st.composite
def nirs(draw):
    sexe = draw(st.sampled_from("12"))
    annee = f"{draw(st.integers(0, 99)):02d}"
    mois = f"{draw(st.integers(1, 12)):02d}"
    dept = draw(st.one_of(st.integers(1, 95).filter(lambda d: d != 20).map(lambda d: f"{d:02d}"),
                          st.sampled_from(["2A", "2B"])))  # fmt: skip
    commune = f"{draw(st.integers(1, 990)):03d}"
    ordre = f"{draw(st.integers(1, 999)):03d}"
    body = sexe + annee + mois + dept + commune + ordre
    key = f"{text_guard.nir_key(body):02d}"
    style = draw(st.sampled_from(["compact", "spaced", "dotted", "key-apart"]))
    if style == "compact":
        return body + key
    if style == "spaced":
        return " ".join([sexe, annee, mois, dept, commune, ordre, key])
    if style == "dotted":
        return ".".join([sexe, annee, mois, dept, commune, ordre]) + " " + key
    return body + " " + key


def luhn_complete(partial: str) -> str:
    for check in "0123456789":
        if text_guard.luhn_valid(partial + check):
            return partial + check
    raise AssertionError("unreachable")


@st.composite
def card_numbers(draw):
    brand = draw(st.sampled_from(["visa", "mastercard", "amex", "cb19"]))
    if brand == "visa":
        number = luhn_complete("4" + draw(digit_string(14)))
    elif brand == "mastercard":
        number = luhn_complete(draw(st.sampled_from(["51", "52", "53", "54", "55"])) + draw(digit_string(13)))
    elif brand == "amex":
        number = luhn_complete(draw(st.sampled_from(["34", "37"])) + draw(digit_string(12)))
    else:
        number = luhn_complete("4" + draw(digit_string(17)))
    separator = draw(st.sampled_from(["", " ", "-"]))
    if brand == "amex":
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return separator.join(groups)


def iban_check_digits(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


alnum_upper = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@st.composite
def ibans(draw):
    country = draw(st.sampled_from(["FR", "DE", "BE", "ES", "IT", "MC"]))
    if country in ("FR", "MC"):
        bban = (
            draw(digit_string(10))
            + "".join(draw(st.lists(alnum_upper, min_size=11, max_size=11)))
            + draw(digit_string(2))
        )
    elif country == "DE":
        bban = draw(digit_string(18))
    elif country == "BE":
        bban = draw(digit_string(12))
    elif country == "ES":
        bban = draw(digit_string(20))
    else:
        bban = (
            draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            + draw(digit_string(10))
            + "".join(draw(st.lists(alnum_upper, min_size=12, max_size=12)))
        )
    iban = country + iban_check_digits(country, bban) + bban
    if draw(st.booleans()):
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    if draw(st.booleans()):
        iban = iban.lower()
    return iban


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
    kind = draw(st.sampled_from(["date", "time", "phone", "amount", "postal", "reference", "caf", "year", "count"]))
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
        return f"à {draw(st.sampled_from(['13001', '13700', '13127', '13500']))}"
    if kind == "reference":
        return "fiche MAL-" + "".join(draw(st.lists(st.sampled_from("23456789ABCDEFGHJKMNPQRSTUVWXYZ"), min_size=4,
                                                    max_size=4)))  # fmt: skip
    if kind == "caf":
        return f"dossier n° {draw(digit_string(7))}"
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


@st.composite
def wrapped(draw, secret_strategy):
    secret = draw(secret_strategy)
    before = draw(st.sampled_from(["", "Numéro : ", "Noté pour la personne ", "voir "]))
    after = draw(st.sampled_from(["", ".", " à vérifier", ", merci"]))
    return before + secret + after


# --- properties ------------------------------------------------------------------------------------


@FAST
@given(wrapped(nirs()))
def test_valid_nir_is_refused(text):
    assert "nir" in problems(text)


@FAST
@given(wrapped(card_numbers()))
def test_valid_card_number_is_refused(text):
    assert "card" in problems(text)


@FAST
@given(wrapped(ibans()))
def test_valid_iban_is_refused(text):
    assert "iban" in problems(text)


@FAST
@given(ordinary_notes())
def test_ordinary_french_notes_are_accepted(text):
    assert problems(text) == [], text
    guard_free_text(text)


@FAST
@given(nirs())
def test_nir_with_wrong_key_is_not_a_nir(nir):
    compact = nir.replace(" ", "").replace(".", "")
    key = int(compact[-2:])
    wrong = f"{(key % 97) + 1:02d}"
    assert not text_guard.contains_nir(compact[:-2] + wrong)


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
        ("mdp : Soleil2024!", "secret"),
        ("Mot de passe ameli : Marseille13!", "secret"),
        ("identifiant ameli : 1234567", "secret"),
        ("Identifiant France Travail: 1234567A", "secret"),
        ("login caf: jdupont", "secret"),
        ("code secret 1234", "secret"),
        ("code PIN 0000", "secret"),
        ("password=Azerty123", "secret"),
        ("Elle est enceinte de 5 mois", "sensitive"),
        ("Suivi en psychiatrie", "sensitive"),
        ("Il sort de prison", "sensitive"),
        ("Elle est diabétique", "sensitive"),
    ],
)
def test_examples_are_refused_with_a_french_message(text, code):
    assert code in problems(text)
    with pytest.raises(ValidationError) as error:
        guard_free_text(text)
    assert any("Ne notez jamais" in m or "semble" in m for m in error.value.messages)


def test_secret_message_says_what_to_do_instead():
    with pytest.raises(ValidationError) as error:
        guard_free_text("mdp: Soleil2024!")
    assert "aidez la personne à le conserver elle-même" in error.value.messages[0]


def test_length_limits():
    assert problems("a" * 500) == []
    assert problems("a" * 501) == ["length"]
    with pytest.raises(ValidationError, match="60 caractères"):
        FreeTextGuard(60)("b" * 61)
    FreeTextGuard(60)("Awa")
    assert FreeTextGuard(60) == FreeTextGuard(60) and FreeTextGuard(60) != FreeTextGuard(30)
