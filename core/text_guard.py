"""The secret guard: one validator for every free-text field of the project.

Visitors' passwords, codes, login identifiers, tax/benefit numbers, NIR, bank card numbers, IBAN and
health, opinion or offence details must never be written down (domain brief §7). The guard looks for
the secret *value*, not the word: « mot de passe réinitialisé avec la personne » is what a mediator
should write and passes; « mdp ameli : Soleil2024 » is refused.

How it reads a text (every rule is a small function, tested with generated data and with the corpus
of tests/core/corpus_garde.txt, measured by ``python manage.py mesurer_garde``):

1. The text is folded (lower case, accents removed, typographic apostrophes and dashes folded) without
   changing its length, so that positions found in the folded text point into the original one (the
   original still tells « Soleil2024 » from « soleil »).
2. **Labels** (« mdp », « m.d.p », « mot-de-passe », « mot 2 passe », « pwd », « identifiant(s) »,
   « login », « id », « user », « code » + pin/secret/ameli/caf…, « numéro fiscal », « n° allocataire »,
   « RIB »…, misspellings included) are looked up; what follows the label decides: a separator
   (« : », « = », « est », « c'est ») then anything but a description of the act, or directly a
   password-like token (digits, symbols, mixed case, an e-mail address), is a value. Words that
   describe the act (« oublié », « changé », « réinitialisé », « la personne », « elle »…) are a mention.
3. **Formats** are recognised with or without a valid key, under any separator (space, dot, dash,
   underscore): NIR (13 or 15 characters, Corsica 2A/2B), numéro fiscal (13 digits), card numbers
   (4-4-4-4 groups or 13–19 digits, with or without a valid Luhn), IBAN (any case, valid checksum
   or the right length), e-mail + password pairs.
4. **Sensitive details** (health, opinions, offences — GDPR art. 9 and 10) by the vocabulary lists
   below, documented in docs/usagers.md.

The refusal message says which kind of secret was seen and what to write instead; it never repeats
the text. Where the guard applies is listed in ``core/free_text.py`` (one list, checked by a test).
"""

import bisect
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

MAX_NOTE_LENGTH = 500

MESSAGES = {
    "password": "Ne notez jamais un mot de passe (ce texte semble en contenir un) : la personne le garde "
    "elle-même. Notez plutôt : « mot de passe changé avec la personne, elle le garde ».",
    "code": "Ne notez jamais un code personnel (code PIN, code de connexion, code reçu par SMS) : ce texte "
    "semble en contenir un. Notez plutôt : « code saisi par la personne elle-même ».",
    "identifier": "Ne notez jamais un identifiant de connexion (ce texte semble en contenir un, adresse "
    "e-mail de connexion comprise). Notez plutôt : « identifiant retrouvé, la personne l'a noté dans son carnet ».",
    "email_password": "Ne notez jamais une adresse e-mail suivie d'un mot de passe : ce texte semble contenir "
    "les deux. Notez plutôt : « compte créé avec la personne, elle garde ses accès ».",
    "fiscal": "Ce texte semble contenir un numéro fiscal : il ne doit pas être noté ici. Notez plutôt : "
    "« numéro fiscal retrouvé sur l'avis d'imposition, la personne l'a conservé ».",
    "account_number": "Ce texte semble contenir un numéro d'allocataire, de demandeur d'emploi ou d'assuré : "
    "il ne doit pas être noté ici. Notez plutôt : « numéro d'allocataire noté par la personne dans son carnet ».",
    "nir": "Ce texte semble contenir un numéro de sécurité sociale (NIR) : il ne doit pas être noté ici. "
    "Notez plutôt : « carte Vitale vérifiée avec la personne ».",
    "card": "Ce texte semble contenir un numéro de carte bancaire : il ne doit jamais être noté. "
    "Notez plutôt : « paiement en ligne fait par la personne elle-même ».",
    "card_security": "Ce texte semble contenir le cryptogramme ou la date d'expiration d'une carte bancaire : "
    "ils ne doivent jamais être notés. Notez plutôt : « paiement fait par la personne elle-même ».",
    "iban": "Ce texte semble contenir un IBAN ou un RIB : les coordonnées bancaires ne doivent pas être notées "
    "ici. Notez plutôt : « RIB transmis par la personne depuis son espace ».",
    "health": "Ce texte semble contenir une information de santé : elle ne doit pas être notée (la personne "
    "peut lire ces notes). Notez seulement la démarche, par exemple « démarche auprès de la CPAM ».",
    "opinion": "Ce texte semble contenir une opinion religieuse, politique ou syndicale, ou une orientation "
    "sexuelle : elle ne doit pas être notée. Notez seulement des faits utiles au suivi.",
    "offence": "Ce texte semble contenir une information judiciaire (condamnation, détention, infraction) : "
    "elle ne doit pas être notée. Notez seulement la démarche, par exemple « démarche d'insertion ».",
    "length": f"Ce texte est trop long : {MAX_NOTE_LENGTH} caractères au maximum. Restez bref et factuel.",
}

# Each code's family, used by the corpus measurement to tell a right refusal for the wrong reason.
KINDS = tuple(code for code in MESSAGES if code != "length")


# --- folding -------------------------------------------------------------------------------------

_FOLD_EXTRA = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}
_FOLD_EXTRA.update(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_FOLD_EXTRA.update(dict.fromkeys("\u00a0\u202f\u2007\u2009\t\r\n", " "))


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _FOLD_EXTRA:
            folded = _FOLD_EXTRA[char]
        else:
            stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            folded = stripped.lower() if len(stripped) == 1 and len(stripped.lower()) == 1 else char
            if len(folded.lower()) == 1:
                folded = folded.lower()
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case, no accents, one apostrophe and one dash: **same length** as ``text``."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def normalize(text: str) -> str:
    """Lower-case, accents removed, typographic apostrophes folded (search columns use it too)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# --- checksums ------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def nir_key(body: str) -> int:
    """Key of a 13-character NIR body (Corsica: 2A → 19, 2B → 18, as the INSEE defines it)."""
    body = body.upper()
    department = {"2A": "19", "2B": "18"}.get(body[5:7], body[5:7])
    return 97 - int(body[:5] + department + body[7:]) % 97


def iban_valid(candidate: str) -> bool:
    iban = re.sub(r"[^0-9A-Za-z]", "", candidate).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


# Length of the IBAN per country (SWIFT IBAN registry, plus the countries of West and North Africa
# that publish IBAN-like numbers).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SD": 18,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22,
    "VG": 24, "XK": 20, "DZ": 26, "MA": 28, "SN": 28, "CI": 28, "ML": 28, "BF": 28, "BJ": 28, "NE": 28, "TG": 28,
    "CM": 27, "GA": 27, "CG": 27, "TD": 27, "KM": 27, "DJ": 27, "MG": 27, "AO": 25, "CV": 25, "MZ": 25,
}  # fmt: skip


# --- tokens after a label ---------------------------------------------------------------------------

# A word (apostrophe ends it: « d'acces » → « d' », « acces »), or a separator.
_TOKEN_RE = re.compile(r"->|=>|[:=]|[^\s:=']+'?|'")
_LEADING = '«»"“”()[]<>*'
_SEPARATOR_WORDS = {":", "=", "->", "=>", "est", "c", "c'", "etait", "sera", "reste", "is", "vaut"}
_EMAIL_RE = re.compile(r"[a-z0-9][a-z0-9._%+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
_TIME_RE = re.compile(r"^\d{1,2}(?:h|h\d{2}|:\d{2})$")
_DATE_RE = re.compile(r"^\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?$")
_ORDINAL_RE = re.compile(r"^\d{1,3}(?:e|er|ere|eme|nd|nde)s?$")


@functools.lru_cache(maxsize=32)
def _all_tokens(folded: str, original: str):
    """Every word of the text once: (starts, stops, tokens), a token being (folded, original, ends_clause)."""
    starts, stops, tokens = [], [], []
    for match in _TOKEN_RE.finditer(folded):
        word, raw = match.group(), original[match.start() : match.end()]
        starts.append(match.start())
        stops.append(match.end())
        if word in ("->", "=>"):
            tokens.append((word, raw, False))
            continue
        if word.startswith(("(", "[")) and len(word) > 1:
            tokens.append(_ASIDE)  # an aside starts: « mot de passe (ticket A-017) »
            continue
        stripped = word
        if word[0] in _LEADING or word[-1] in _LEADING:
            stripped, raw = word.strip(_LEADING), raw.strip(_LEADING)
        ends = False
        if stripped and stripped[-1] in ".,;!?" and not ("@" in stripped and _EMAIL_RE.fullmatch(stripped)):
            # « Soleil2024. » ends the clause; « 12.03 » does not.
            stripped, raw, ends = stripped.rstrip(".,;!?"), raw.rstrip(".,;!?"), True
        tokens.append((stripped, raw, ends) if stripped else _CLAUSE_BREAK)
    return starts, stops, tokens


_ASIDE = ("", "", True)
_CLAUSE_BREAK = ("", "", True)


def _tokens(folded: str, original: str, start: int, limit: int = 14):
    """The words after ``start`` (at most ``limit``); an empty word marks the end of the clause."""
    starts, stops, tokens = _all_tokens(folded, original)
    index = bisect.bisect_left(starts, start)
    if index and stops[index - 1] > start and tokens[index - 1][2]:
        return [_CLAUSE_BREAK]  # the label itself ends the clause: « … de mot de passe, déblocage »
    out = []
    for token in tokens[index : index + limit]:
        out.append(token)
        if not token[0]:
            break
    return out


# Words that describe the act (a mention), by stem. « mot de passe réinitialisé » is a mention.
_MENTION_STEMS = (
    "oubli", "perd", "perdu", "reinit", "reini", "chang", "modifi", "recup", "retrouv", "bloqu", "debloqu", "cre",
    "renouvel", "refai", "refait", "fait", "envoy", "regener", "valid", "saisi", "conserv", "gard", "not", "expir",
    "incorrect", "errone", "faux", "fausse", "invalide", "ok", "demand", "recu", "choisi", "expliqu", "solide",
    "secur", "complex", "fort", "inconnu", "manqu", "obligatoire", "mis", "mise", "refus", "accept", "enregistr",
    "memoris", "retenu", "connu", "verifi", "control", "activ", "desactiv", "supprim", "efface", "rempli", "tap",
    "entr", "utilis", "trouv", "reçu", "imprim", "lu", "donn", "transmis", "communiqu", "partag", "ecrit", "dict",
    "prevu", "attendu", "recevra", "arrive", "bon", "ne", "n'", "jamais", "toujours", "plus", "seul", "seule",
    "elle-meme", "lui-meme", "illisible", "absent", "aucun", "rien", "pas", "non",
)  # fmt: skip
_PEOPLE = {
    "personne", "usager", "usagere", "elle", "il", "lui", "eux", "elles", "madame", "monsieur", "mme", "mr", "m",
    "sa", "son", "ses", "leur", "leurs", "fille", "fils", "aidant", "je", "j'", "on", "nous", "vous", "moi",
}  # fmt: skip
_STOPWORDS = {
    "le", "la", "les", "l'", "un", "une", "des", "de", "du", "d'", "a", "au", "aux", "avec", "pour", "par", "sur",
    "et", "ou", "en", "dans", "sans", "chez", "que", "qui", "qu'", "si", "s'", "se", "sont", "ont", "etait", "ete",
    "apres", "avant", "depuis", "lors", "puis", "car", "mais", "donc", "pendant", "vers", "comme", "y", "ce", "cet",
    "cette", "ces", "tout", "tous", "toute", "meme", "aussi", "encore", "deja", "bien", "mal", "trop", "tres", "the",
    "for", "of", "to", "and", "est-ce", "etc", "hier", "aujourd'hui", "aujourd'", "demain", "avant-hier", "matin",
    "soir", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "semaine", "mois", "bientot",
    "ensuite", "enfin", "maintenant", "ici", "la-bas", "ensemble", "seul", "seule", "vite", "rapidement", "via",
    "grace", "aupres", "selon", "contre", "sous", "entre", "jusqu'", "malgre", "faute", "suite", "afin", "lorsque",
}  # fmt: skip
# Services and qualifiers a label is followed by before its value (« mdp ameli : … »).
_SERVICES = {
    "ameli", "caf", "impots", "impot", "impots.gouv", "impots.gouv.fr", "gouv", "france", "connect", "franceconnect",
    "fc", "travail", "pole", "emploi", "msa", "cpam", "ants", "carsat", "urssaf", "gmail", "hotmail", "outlook",
    "yahoo", "orange", "free", "sfr", "bouygues", "laposte", "poste", "banque", "bancaire", "google", "apple",
    "icloud", "facebook", "whatsapp", "doctolib", "mail", "e-mail", "email", "mel", "messagerie", "boite", "compte",
    "espace", "appli", "application", "site", "portail", "telephone", "tel", "portable", "ordi", "ordinateur",
    "tablette", "wifi", "ft", "pe", "mdph", "cnav", "agirc", "arrco", "ircantec", "pajemploi", "cesu", "ameli.fr",
    "caf.fr", "mon", "ma", "mes", "provisoire", "temporaire", "nouveau", "nouvel", "nouvelle", "ancien", "ancienne",
    "actuel", "actuelle", "unique", "national", "numerique", "fiscal", "de", "du", "d'", "des", "la", "le", "l'",
    "son", "sa", "ses", "internet", "web", "en ligne", "ligne", "identique",
    "partout", "meme", "habituel", "carte", "bleue", "cb", "vitale", "secu", "connexion", "acces", "utilisateur",
    "personnel", "perso", "securise", "secret", "pro", "professionnel", "professionnelle",
}  # fmt: skip
# After « mdp : », these start a hint (« sa date de naissance »), unless a person or an act follows.
_HINT_STARTS = {"sa", "son", "ses", "le", "la", "les", "l'", "un", "une", "meme", "leur", "nom", "prenom", "date"}
# After « pass »: the French word for a pass or a ticket.
_PASS_NOUNS = {
    "navigo", "culture", "sport", "sport'", "numerique", "sanitaire", "vaccinal", "senior", "seniors", "famille",
    "jeune", "jeunes", "emploi", "mobilite", "rail", "pass", "annuel", "mensuel", "bus", "tram", "metro", "loisirs",
    "partout", "colo", "velo", "bien", "devant", "demain", "ce", "cette", "a", "au", "la", "le", "les", "par", "sur",
    "chez", "en", "du", "de", "ses", "son", "sa", "dans", "voir", "prendre", "chercher", "ici", "aujourd'hui",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "matin", "soir", "apres-midi",
}  # fmt: skip


def _is_mention_word(word: str, raw: str) -> bool:
    if word in _STOPWORDS or word in _PEOPLE:
        return True
    if word.startswith(_MENTION_STEMS):
        return True
    # Past participles and infinitives (« réinitialisé », « à récupérer ») describe the act.
    if raw[-1:] in "éÉ" or raw.lower().endswith(("ée", "és", "ées")):
        return True
    return len(word) > 4 and word.isalpha() and word.endswith(("er", "ir", "ment", "ee", "ees"))


def _is_date_or_time(word: str) -> bool:
    return bool(_TIME_RE.match(word) or _DATE_RE.match(word) or _ORDINAL_RE.match(word))


def _password_like(word: str, raw: str) -> bool:
    """Looks like a password or a login: digits with letters, symbols, inner capitals, an e-mail."""
    if len(word) < 4 or _is_date_or_time(word):
        return False
    has_digit = any(c.isdigit() for c in word)
    has_alpha = any(c.isalpha() for c in word)
    if _EMAIL_RE.fullmatch(word):
        return True
    if has_digit and has_alpha:
        return True
    if has_alpha and re.search(r"[._#*!$%&+@?]", word.strip(".")):
        return True
    if has_alpha and any(c.isupper() for c in raw[1:]) and any(c.islower() for c in raw):
        return True
    return has_digit and len(re.sub(r"\D", "", word)) >= 4


def _identifier_like(word: str, raw: str) -> bool:
    return _password_like(word, raw) or bool(re.fullmatch(r"[a-z]+[._][a-z0-9]+", word))


def _digits_value(tokens, index: int) -> bool:
    """A code value: at least 3 digits (« 90 12 45 » counts as one), or letters mixed with 2+ digits."""
    word = tokens[index][0]
    if _is_date_or_time(word) and not re.fullmatch(r"\d{4}", word):
        return False
    if re.fullmatch(r"[0-9\-.]+", word):
        digits = re.sub(r"\D", "", word)
        follow = index + 1
        while len(digits) < 3 and follow < len(tokens) and re.fullmatch(r"\d{1,3}", tokens[follow][0]):
            digits += tokens[follow][0]
            follow += 1
        return len(digits) >= 3
    return len(word) >= 4 and sum(c.isdigit() for c in word) >= 2 and bool(re.search(r"[a-z]", word))


# --- labels -----------------------------------------------------------------------------------------

_B = r"(?<![a-z0-9@._])"  # not inside a word or an e-mail address
_E = r"(?![a-z0-9])"
PASSWORD_LABEL_RE = re.compile(
    _B + r"(?:m\s?\.?\s?d\s?\.?\s?p\.?|mot?s?[\s\-_]*(?:de|2|d'|d)[\s\-_]*pas+e?s?|motdepasse|mdps?"
    r"|pass?\s?words?|passwd|pswd|pwd|mots? de pass\w*)" + _E
)
WEAK_PASSWORD_LABEL_RE = re.compile(_B + r"(?:pass|passe)" + _E)
IDENTIFIER_LABEL_RE = re.compile(
    _B + r"(?:i[nd]{1,2}[ae]n?t(?:if(?:i?[ae]n[td]s?)?)?|logins?|log in|usernames?|user ?names?"
    r"|nom d'utilisateur|nom utilisateur)" + _E
)
WEAK_IDENTIFIER_LABEL_RE = re.compile(_B + r"(?:ids?|users?|utilisateurs?|compte|connexion|se connecte avec)" + _E)
CODE_LABEL_RE = re.compile(_B + r"(?:codes?|pin|puk|otp)" + _E)
# « code postal », « code de la route »… are not secrets.
CODE_EXEMPT_RE = re.compile(
    r"\s*(?:postaux|postal|de la route|du travail|de travail|civil|penal|rome|insee|promo\w*|ape|naf|couleur"
    r"|barres?|source|de la nationalite|de l'action sociale|de la securite sociale|de commerce|de conduite"
    r"|vestimentaire|general|de la consommation|de l'entree|du logement|de la sante|des impots|commune|departement"
    r"|geographique|officiel|cerfa|article|d'urbanisme|de l'education|electoral|de deontologie)" + _E
)
CARD_SECURITY_LABEL_RE = re.compile(_B + r"(?:cvv2?|cvc2?|cryptogrammes?|crypto|code (?:de securite|au dos))" + _E)
EXPIRY_RE = re.compile(
    _B + r"(?:exp|expire\w*|expiration|validite|valable jusqu'(?:a|au)|fin)[^.;!?\d]{0,30}?"
    r"(0[1-9]|1[0-2])\s?[/\-.]\s?(\d{2}|20\d{2})(?![0-9])"
)
CARD_CONTEXT_RE = re.compile(
    _B + r"(?:cartes?(?! (?:d'identite|de sejour|de resident|vitale|grise|d'invalidite|mobilite|navigo|d'electeur"
    r"|nationale|professionnelle|europeenne|d'assurance|de transport|d'identite|de stationnement|d'etudiant))"
    r"|cb|visa|mastercard|cvv|crypto\w*)" + _E
)
CARD_LABEL_RE = re.compile(
    _B + r"(?:cartes?|cb|visa|mastercard|master card|amex|american express|maestro|carte bleue)" + _E
)
FISCAL_LABEL_RE = re.compile(
    _B + r"(?:(?:n|no|num|numero|n°|nr)\.?\s?(?:d'\s?)?(?:identification\s)?fiscal\w*|identifiant fiscal|spi|nif"
    r"|numero d'identification fiscale)" + _E
)
ACCOUNT_LABEL_RE = re.compile(
    _B + r"(?:(?:n|no|num|numero|n°|nr|identifiant|ident|id)\.?\s?(?:d'|de |du )?\s?"
    r"(?:allocataire|caf|msa|cpam|ameli|secu\w*|securite sociale|ss|assure|carte vitale|vitale|pole emploi"
    r"|france travail|ft|pe|demandeur d'emploi|inscription france travail)|allocataire)" + _E
)
BANK_LABEL_RE = re.compile(
    _B + r"(?:rib|iban|releve d'identite bancaire|(?:n|no|num|numero|n°)\.?\s?(?:de )?compte(?: bancaire)?"
    r"|compte bancaire|coordonnees bancaires)" + _E
)


def _decide_after_label(folded: str, original: str, end: int, *, kind: str, strong: bool, plural=False) -> bool:
    """Does a value follow the label ending at ``end``? (See the module docstring.)"""
    tokens = _tokens(folded, original, end)
    seen_separator = False
    for index, (word, raw, ends) in enumerate(tokens[:8]):
        if not word:
            return False
        if word in _SEPARATOR_WORDS or word in ("c'", "->", "=>"):
            seen_separator = True
            continue
        if word == "/" or (not seen_separator and (word in _SERVICES or re.fullmatch(r"[a-z]{1,2}'", word))):
            if ends:
                return False
            continue
        if _EMAIL_RE.fullmatch(word):
            return True
        if kind == "password":
            if seen_separator:
                # « mdp : sa date de naissance » gives the password away; « mdp : la personne l'a noté » does not.
                if word in _HINT_STARTS:
                    following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                    return not (following in _PEOPLE or following.startswith(_MENTION_STEMS) or not following)
                return _password_like(word, raw) or not _is_mention_word(word, raw)
            if plural:
                return _password_like(word, raw)
            if strong:
                return _password_like(word, raw) or not (
                    _is_mention_word(word, raw) or (word.isalpha() and len(word) < 4) or _is_date_or_time(word)
                )
            return word not in _PASS_NOUNS and _password_like(word, raw)
        # identifier
        if seen_separator:
            return _identifier_like(word, raw) or not _is_mention_word(word, raw)
        if strong:
            return _identifier_like(word, raw) or not (
                _is_mention_word(word, raw) or (word.isalpha() and len(word) > 9) or _is_date_or_time(word)
            )
        return _identifier_like(word, raw)
    return False


def _clause_scan(folded: str, original: str, end: int, test, limit: int = 10) -> bool:
    """Any token of the same clause after the label passes ``test``."""
    for word, raw, ends in _tokens(folded, original, end, limit):
        if test(word, raw):
            return True
        if ends:
            return False
    return False


def _strong_password_token(word: str, raw: str) -> bool:
    return (
        len(word) >= 5
        and not _is_date_or_time(word)
        and any(c.isdigit() for c in word)
        and any(c.isalpha() for c in word)
        and not re.fullmatch(r"\d+(?:h\d*|min|mn|ans?|mois|jours?|e|er|eme|€|euros?)", word)
        and not re.fullmatch(r"[a-z]{1,4}-\d{1,4}", word)  # ticket A-017, bureau B-12
    )


def find_password(folded: str, original: str) -> bool:
    for match in PASSWORD_LABEL_RE.finditer(folded):
        plural = bool(re.match(r"mots|.*s$", match.group()))  # « atelier sur les mots de passe »
        if _decide_after_label(folded, original, match.end(), kind="password", strong=True, plural=plural):
            return True
        if _clause_scan(folded, original, match.end(), _strong_password_token):
            return True
    for match in WEAK_PASSWORD_LABEL_RE.finditer(folded):
        if _decide_after_label(folded, original, match.end(), kind="password", strong=False):
            return True
    return False


def find_identifier(folded: str, original: str) -> bool:
    for regex, strong in ((IDENTIFIER_LABEL_RE, True), (WEAK_IDENTIFIER_LABEL_RE, False)):
        for match in regex.finditer(folded):
            if _decide_after_label(folded, original, match.end(), kind="identifier", strong=strong):
                return True
            if _clause_scan(folded, original, match.end(), lambda w, r: bool(_EMAIL_RE.fullmatch(w)), limit=6):
                return True
    return False


def _organisme_number(word: str, previous: str) -> bool:
    """« appeler le 3646 », « via le 3949 », « au 06 12 34 56 78 »: a phone number, not a code."""
    digits = re.sub(r"\D", "", word)
    if previous not in ("le", "au", "du", "tel", "tel:", "appel", "appeler", "composer"):
        return False
    return bool(re.fullmatch(r"3\d{3}|0[1-9]\d{8}", digits))


_CODE_ORIGINS = ("recu", "envoy", "transmis", "donne", "genere", "attribue", "indique", "affiche")


def find_code(folded: str, original: str) -> bool:
    for match in CODE_LABEL_RE.finditer(folded):
        before = folded[max(0, match.start() - 4) : match.start()]
        if CODE_EXEMPT_RE.match(folded, match.end()) or re.search(r"(?:qr|bar)[\s\-]?$", before):
            continue
        tokens = _tokens(folded, original, match.end(), limit=9)
        seen_separator = False
        for index, (word, raw, ends) in enumerate(tokens):
            if word in _SEPARATOR_WORDS:
                seen_separator = True
                continue
            if any(c.isdigit() for c in word) and _digits_value(tokens, index):
                previous = tokens[index - 1][0] if index else ""
                if not _organisme_number(word, previous):
                    return True
            # « code réinitialisé via le 3646 » describes the act; « code reçu par SMS : 482913 » gives it.
            if word in _PEOPLE - {"sa", "son"} or (
                _is_mention_word(word, raw)
                and word not in _STOPWORDS
                and not word.startswith(_CODE_ORIGINS)
                and not word.endswith(("tion", "tions", "age"))  # « code de vérification », « de déverrouillage »
            ):
                break
            if seen_separator and word not in _STOPWORDS:
                break
            if ends:
                break
    return False


def find_card_security(folded: str, original: str) -> bool:
    for match in CARD_SECURITY_LABEL_RE.finditer(folded):
        if re.match(r"\W{0,3}(?:de la carte\W{0,3}|:\s?|=\s?)?\d{3,4}(?!\d)", folded[match.end() :]):
            return True
    return bool(EXPIRY_RE.search(folded) and CARD_CONTEXT_RE.search(folded))


# --- formats ----------------------------------------------------------------------------------------

_SEP = r"(?:\s{0,2}[.\-_]\s{0,2}|\s{1,2})"
# A run of digit groups (and Corsica's 2A/2B) not glued to letters: « 1 85 05 2A 012 345 79 ».
_CLUSTER_RE = re.compile(r"(?<![0-9a-z@])(?:\d|(?<=2)[ab])(?:" + _SEP + r"?(?:\d|(?<=2)[ab](?![a-z])))*(?![0-9a-z@])")
_SEP_RE = re.compile(_SEP)
_NIR_SHAPE = re.compile(r"[1278]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2[ab])\d{6}(?:\d{2})?")


@functools.lru_cache(maxsize=32)
def _clusters(folded: str) -> tuple:
    """The digit clusters long enough to be a number the guard looks for (12 characters at least)."""
    found = []
    for match in _CLUSTER_RE.finditer(folded):
        if len(match.group()) >= 12:
            found.append((match, [g for g in _SEP_RE.split(match.group()) if g]))
    return tuple(found)


def _subruns(groups):
    """Every run of consecutive groups, compact: ``(first, last, compact)``."""
    for first in range(len(groups)):
        compact = ""
        for last in range(first, len(groups)):
            compact += groups[last]
            if len(compact) > 19:
                break
            yield first, last, compact


def find_nir_and_fiscal(folded: str) -> set[str]:
    found = set()
    fiscal_context = bool(FISCAL_LABEL_RE.search(folded) or re.search(_B + r"impots?" + _E, folded))
    for _match, groups in _clusters(folded):
        for _first, _last, compact in _subruns(groups):
            if len(compact) not in (13, 15):
                continue
            if fiscal_context and len(compact) == 13 and compact.isdigit() and compact[0] in "0123":
                found.add("fiscal")
            elif _NIR_SHAPE.fullmatch(compact):
                found.add("nir")
            elif len(compact) == 13 and compact.isdigit():
                found.add("fiscal")
    return found


def _card_shaped(groups) -> bool:
    lengths = [len(g) for g in groups]
    return lengths[:4] == [4, 4, 4, 4] or lengths[:3] == [4, 6, 5] or lengths[:3] == [4, 6, 4]


def find_card(folded: str) -> bool:
    labelled = bool(CARD_LABEL_RE.search(folded))
    for _match, groups in _clusters(folded):
        if not all(g.isdigit() for g in groups):
            continue
        if not labelled and _NIR_SHAPE.fullmatch("".join(groups)):
            continue  # a whole NIR (a card never starts with 1, 2, 7 or 8); its tail may pass Luhn
        for first in range(len(groups)):
            if _card_shaped(groups[first:]):
                return True
        for first, last, compact in _subruns(groups):
            single = first == last
            if len(compact) == 16 and (single or all(len(g) == 4 for g in groups[first : last + 1])):
                return True
            if single and 15 <= len(compact) <= 19 and not _NIR_SHAPE.fullmatch(compact):
                return True  # no desk note has a bare run of 15 to 19 digits
            if 13 <= len(compact) <= 19 and compact[0] in "3456" and luhn_valid(compact) and len(set(compact)) > 1:
                if single or all(len(g) >= 3 for g in groups[first : last + 1]):
                    if not (len(compact) == 14 and not labelled):  # SIRET: 14 digits with a valid Luhn
                        return True
            if labelled and 12 <= len(compact) <= 19 and all(len(g) >= 3 for g in groups[first : last + 1]):
                if not _NIR_SHAPE.fullmatch(compact) and len(compact) != 14:
                    return True
    return False


_IBAN_RE = re.compile(r"(?<![a-z0-9])([a-z]{2})" + _SEP + r"?(\d{2})((?:" + _SEP + r"?[a-z0-9]){8,40})")


def find_iban(folded: str) -> bool:
    labelled = bool(BANK_LABEL_RE.search(folded))
    for match in _IBAN_RE.finditer(folded):
        country = match.group(1).upper()
        length = IBAN_LENGTHS.get(country)
        if not length:
            continue
        groups = [g for g in re.split(_SEP, match.group(2) + " " + match.group(3)) if g]
        kept = []
        for group in groups:  # stop at the first word (« FR76 … 189 a verifier »)
            if not any(c.isdigit() for c in group) and (len(group) > 4 or kept and len("".join(kept)) >= length - 4):
                break
            kept.append(group)
        compact = country + "".join(kept).upper()
        if len(compact) >= length and iban_valid(compact[:length]):
            return True
        bban = compact[4:]
        digit_share = sum(c.isdigit() for c in bban) / max(1, len(bban))
        if length - 2 <= len(compact) <= length + 1 and digit_share >= 0.7:
            return True
        if labelled and len(compact) >= 14 and digit_share >= 0.6:
            return True
    if labelled:
        for label in BANK_LABEL_RE.finditer(folded):
            window = folded[label.end() : label.end() + 80]
            if sum(c.isdigit() for c in re.split(r"[,;!?]|\.\s", window)[0]) >= 10:
                return True
    return False


def find_account_number(folded: str) -> bool:
    for match in ACCOUNT_LABEL_RE.finditer(folded):
        window = re.split(r"[,;!?]|\.\s", folded[match.end() : match.end() + 60])[0]
        if re.search(r"(?<![0-9])\d(?:[ .\-]?\d){4,}", window) and not re.match(r"\W*(?:au|le|:)?\s*3\d{3}\b", window):
            return True
    for match in FISCAL_LABEL_RE.finditer(folded):
        window = re.split(r"[,;!?]|\.\s", folded[match.end() : match.end() + 60])[0]
        if sum(c.isdigit() for c in window) >= 10:
            return True
    return False


_GLUED_AFTER_EMAIL_RE = re.compile(r"(?:/{1,2}|\||:|=|\+|-)([^\s,;]+)")


def find_email_password(folded: str, original: str) -> bool:
    for match in _EMAIL_RE.finditer(folded):
        # « jean.dupont@gmail.com/Soleil0 » is one word for the tokenizer: read the glued part itself.
        glued = _GLUED_AFTER_EMAIL_RE.match(folded, match.end())
        if glued:
            word, raw = glued.group(1).rstrip("."), original[glued.start(1) : glued.end(1)].rstrip(".")
            if _password_like(word, raw) and not _EMAIL_RE.fullmatch(word):
                return True
        tokens = _tokens(folded, original, match.end(), limit=4)
        for word, raw, ends in tokens:
            if word in ("/", "-", "|", ":", "=", "et", "mdp", "pwd", "pass", "+", "//", "mot", "de", "passe"):
                if ends:
                    break
                continue
            if _password_like(word, raw) and not _EMAIL_RE.fullmatch(word) and word not in ("/", "-"):
                return True
            break
    return False


# --- sensitive details (GDPR art. 9 and 10) -------------------------------------------------------------
# Regular expressions on the folded text, anchored at word boundaries; ``\w*`` marks a stem. The lists
# are documented in docs/usagers.md: add a word only with an example in the corpus.
HEALTH_WORDS = [
    r"cancer\w*", r"tumeur\w*", r"chimio\w*", r"radiotherapie\w*", r"leucemie\w*", r"metastase\w*", r"vih",
    r"sida", r"seropositi\w*", r"hepatite\w*", r"diabet\w*", r"insuline", r"dialyse\w*", r"avc", r"infarctus",
    r"alzheimer", r"parkinson", r"sclerose en plaques", r"epilep\w*", r"autis\w*", r"trisomi\w*",
    r"depressi\w*", r"antidepresseur\w*", r"anxiolytique\w*", r"burn.?out", r"psychiatri\w*", r"psychose\w*",
    r"psychotique\w*", r"schizophren\w*", r"bipolaire\w*", r"troubles? (?:psychiques?|psychiatriques?|mentaux|mental)",
    r"suicid\w*", r"alcooli\w*", r"addict\w*", r"problemes? d'alcool", r"dependance a l'alcool", r"toxicoman\w*",
    r"drogues?", r"droguee?s?", r"heroine", r"cocaine", r"cannabis", r"methadone", r"subutex", r"sevrage",
    r"desintox\w*", r"csapa", r"(?:est|suis|etait|etre|sera|tombee|serait) enceinte", r"enceinte de \d+",
    r"grossesse\w*", r"ivg", r"avortement\w*", r"fausse couche", r"handicap (?:mental|psychique|moteur)",
    r"(?:est|suis|etait) handicapee?", r"hospitalis\w*", r"affection longue duree", r"ald", r"obesite",
    r"anorexi\w*", r"boulimi\w*", r"mucoviscidose", r"myopathie", r"maladie (?:chronique|grave|mentale|psychique)",
    r"sous traitement", r"chimiotherapie",
]  # fmt: skip
OPINION_WORDS = [
    r"religion\w*", r"religieu\w*", r"musulmane?s?", r"islam\w*", r"chretiene?s?", r"chretienne?s?",
    r"catholiques?", r"protestante?s?", r"evangeli\w*", r"juif", r"juive?s?", r"judaisme", r"bouddhist\w*",
    r"hindou\w*", r"athee?s?", r"temoins? de jehovah", r"ramadan", r"pratiquante?s?", r"porte le voile",
    r"(?:vote|votera|voter|votait|militante?s?|adherente?s?|sympathisante?s?|encartee?s?|membre)"
    r" (?:pour (?:le |la |les )?)?(?:rn|lfi|fn|ps|lr|eelv|pcf|npa|reconquete|front national|rassemblement national"
    r"|france insoumise|republicains|communistes?|socialistes?|ecologistes?|zemmour|le pen|macron|melenchon)",
    r"front national", r"rassemblement national", r"france insoumise", r"extreme (?:droite|gauche)",
    r"gilets? jaunes?", r"syndiquee?s?", r"syndicaliste\w*", r"homosexu\w*", r"gay", r"gays", r"lesbiennes?",
    r"bisexu\w*", r"transgenres?", r"transsexu\w*", r"orientation sexuelle", r"lgbt\w*",
]  # fmt: skip
OFFENCE_WORDS = [
    r"casier judiciaire(?! \(?(?:bulletin|b3|n))", r"condamn\w*", r"prison\w*", r"emprisonn\w*", r"incarcer\w*",
    r"detenue?s?", r"maison d'arret", r"centre penitentiaire", r"penitentiaire", r"garde a vue",
    r"bracelet electronique",
    r"spip", r"liberee? en conditionnelle", r"liberation conditionnelle", r"mise? en examen", r"sursis\w*",
    r"travaux d'interet general", r"tig", r"controle judiciaire", r"delit\w*", r"delinquan\w*",
    r"trafic de (?:drogue|stupefiants)", r"stupefiants", r"casier charge",
]  # fmt: skip


def _words_re(words):
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(words) + r")(?![a-z0-9])")


HEALTH_RE = _words_re(HEALTH_WORDS)
OPINION_RE = _words_re(OPINION_WORDS)
OFFENCE_RE = _words_re(OFFENCE_WORDS)
# « extrait de casier judiciaire » is an ordinary démarche (bulletin n°3 for a job).
_CASIER_DEMARCHE_RE = re.compile(r"(?:extrait|bulletin|demande)\w* (?:de |du |n.?3 )?(?:son )?casier judiciaire")


def _offence(folded: str) -> bool:
    for match in OFFENCE_RE.finditer(folded):
        if match.group().startswith("casier") and _CASIER_DEMARCHE_RE.search(folded[max(0, match.start() - 30) :]):
            continue
        return True
    return False


# --- the validator ----------------------------------------------------------------------------------------


def problems(text: str) -> list[str]:
    """Codes of every rule the text breaks (empty list: the text may be stored). Never the text itself."""
    if not text:
        return []
    found = []
    if len(text) > MAX_NOTE_LENGTH:
        found.append("length")
    original = text[:2000]
    folded = fold(original)
    if find_email_password(folded, original):
        found.append("email_password")
    if find_password(folded, original):
        found.append("password")
    if find_code(folded, original):
        found.append("code")
    if find_identifier(folded, original):
        found.append("identifier")
    if find_card_security(folded, original):
        found.append("card_security")
    if find_iban(folded):
        found.append("iban")
    if find_card(folded) and "iban" not in found:
        found.append("card")
    formats = find_nir_and_fiscal(folded) if "iban" not in found and "card" not in found else set()
    found.extend(sorted(formats))
    if not formats and find_account_number(folded):
        found.append("account_number")
    if HEALTH_RE.search(folded):
        found.append("health")
    if OPINION_RE.search(folded):
        found.append("opinion")
    if _offence(folded):
        found.append("offence")
    return found


def guard_free_text(value: str) -> None:
    """Django validator for every free-text field (notes, references, comments)."""
    codes = problems(value or "")
    if codes:
        raise ValidationError([ValidationError(MESSAGES[code], code=code) for code in codes])


@deconstructible
class FreeTextGuard:
    """Same as ``guard_free_text`` with another length limit (e.g. a 60-character reference)."""

    def __init__(self, max_length: int = MAX_NOTE_LENGTH):
        self.max_length = max_length

    def __call__(self, value):
        text = value or ""
        codes = [c for c in problems(text[:MAX_NOTE_LENGTH]) if c != "length"]
        if len(text) > self.max_length:
            codes.insert(0, "length")
        messages = [
            MESSAGES[c] if c != "length" else f"Ce texte est trop long : {self.max_length} caractères au maximum."
            for c in codes
        ]
        if messages:
            raise ValidationError([ValidationError(m, code=c) for m, c in zip(messages, codes, strict=True)])

    def __eq__(self, other):
        return isinstance(other, FreeTextGuard) and other.max_length == self.max_length

    def __hash__(self):
        return hash(("FreeTextGuard", self.max_length))
