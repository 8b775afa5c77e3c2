"""The secret guard: one validator for every free-text field of the project.

Visitors' passwords, login identifiers, NIR, bank card numbers, IBAN and health or opinion details
must never be written down (domain brief §7). ``guard_free_text`` raises a ``ValidationError`` whose
French message says why and what to do instead. Detectors are small pure functions so they can be
tested with generated data (tests/core/test_text_guard.py).

Keyword lists are short on purpose: they catch the common slips at the desk (« mdp : … »,
« identifiant ameli : … ») without refusing ordinary sentences. Add a word only with a test.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

MAX_NOTE_LENGTH = 500

MESSAGES = {
    "secret": "Ne notez jamais un mot de passe, un code ou un identifiant de connexion : "
    "aidez la personne à le conserver elle-même (carnet personnel, coffre-fort numérique).",
    "nir": "Ce texte semble contenir un numéro de sécurité sociale (NIR). Il ne doit pas être noté ici.",
    "card": "Ce texte semble contenir un numéro de carte bancaire. Il ne doit jamais être noté.",
    "iban": "Ce texte semble contenir un IBAN. Les coordonnées bancaires ne doivent pas être notées ici.",
    "sensitive": "Ce texte semble contenir une information de santé, une opinion ou une infraction. "
    "Notez seulement des faits utiles au suivi, sans détail sensible (la personne peut lire ces notes).",
    "length": f"Ce texte est trop long : {MAX_NOTE_LENGTH} caractères au maximum. Restez bref et factuel.",
}

# Words that introduce a secret. Matched on the accent-free lower-case text.
SECRET_WORDS = [
    r"mot\s*de\s*passe",
    r"mots\s*de\s*passe",
    r"mdp",
    r"pass\s*word",
    r"passwd",
    r"pwd",
    # « identifiant : », « identifiant ameli : », « login caf: », « identifiant France Travail = »
    r"identifiants?(?:\s+[a-z]+){0,2}\s*[:=]",
    r"login(?:\s+[a-z]+){0,2}\s*[:=]",
    r"code\s*secret",
    r"code\s*pin",
    r"pin\s*:",
    r"code\s*confidentiel",
    r"code\s*d'acces",
    r"cryptogramme",
]
SECRET_RE = re.compile(r"(?<![a-z])(" + "|".join(SECRET_WORDS) + r")(?![a-z])")
# Health, opinions, offences: short documented list (CNIL: sensitive data, art. 9 and 10 GDPR).
# Each entry is a regular expression on the accent-free lower-case text, anchored at a word start;
# a trailing ``\w*`` marks a stem (« diabet » catches diabète, diabétique).
SENSITIVE_WORDS = [
    r"cancer\w*",
    r"vih",
    r"sida",
    r"seropositi\w*",
    r"diabet\w*",
    r"depression",
    r"psychiatri\w*",
    r"schizophren\w*",
    r"bipolaire",
    r"(?:est|suis|etait|etre|sera) enceinte",
    r"enceinte de \d",
    r"avortement",
    r"ivg",
    r"handicap mental",
    r"alcoolique",
    r"toxicomane",
    r"drogues?e?s?",
    r"religion",
    r"musulmane?s?",
    r"chretienne?s?",
    r"juive?s?",
    r"syndique(?:e|s|es)?",
    r"orientation sexuelle",
    r"homosexuel\w*",
    r"casier judiciaire",
    r"condamne(?:e|s|es)?",
    r"prison",
    r"incarcere\w*",
]
SENSITIVE_RE = re.compile(r"(?<![a-z])(" + "|".join(SENSITIVE_WORDS) + r")(?![a-z])")


def normalize(text: str) -> str:
    """Lower-case, accents removed, typographic apostrophes folded: the form every detector reads."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


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


NIR_COMPACT_RE = re.compile(r"(?<![0-9A-Z])([12378]\d{4}[0-9AB]{2}\d{6})[ .]?(\d{2})(?![0-9])", re.I)


def contains_nir(text: str) -> bool:
    compact = re.sub(r"(?<=[0-9AB])[ .](?=[0-9AB])", "", text.upper())
    for match in NIR_COMPACT_RE.finditer(compact):
        body, key = match.group(1), int(match.group(2))
        try:
            if nir_key(body) == key:
                return True
        except ValueError:
            continue
    return False


CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){13,19}(?!\d)")


def contains_card_number(text: str) -> bool:
    for match in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
            return True
    return False


# Length of the IBAN per country (SWIFT IBAN registry, plus the countries of West and North Africa
# that publish IBAN-like numbers). A candidate is checked at exactly its country's length, which
# keeps ordinary text (« LE14 MARS… ») from matching by chance.
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
IBAN_RE = re.compile(r"(?<![A-Z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30})(?![A-Z0-9])")


def iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


def contains_iban(text: str) -> bool:
    upper = text.upper()
    for match in IBAN_RE.finditer(upper):
        compact = match.group(1).replace(" ", "")
        # The IBAN may be followed by other words: check exactly the country's length.
        length = IBAN_LENGTHS.get(compact[:2])
        if length and len(compact) >= length and iban_valid(compact[:length]):
            return True
    return False


def contains_secret_words(text: str) -> bool:
    return bool(SECRET_RE.search(normalize(text)))


def contains_sensitive_words(text: str) -> bool:
    return bool(SENSITIVE_RE.search(normalize(text)))


def problems(text: str) -> list[str]:
    """Codes of every rule the text breaks (empty list: the text may be stored)."""
    if not text:
        return []
    found = []
    if len(text) > MAX_NOTE_LENGTH:
        found.append("length")
    if contains_secret_words(text):
        found.append("secret")
    if contains_nir(text):
        found.append("nir")
    if contains_card_number(text):
        found.append("card")
    if contains_iban(text):
        found.append("iban")
    if contains_sensitive_words(text):
        found.append("sensitive")
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
