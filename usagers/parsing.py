"""Pure text helpers of visitor records: the accent-free search key, the reference prefix of an MDS,
phone numbers typed at the desk."""

import re

from phonenumber_field.phonenumber import to_python as to_phone

from core.text_guard import normalize


def search_key(prenom: str, nom: str) -> str:
    """Accent-free, lower-case "prenom nom" (the embedded PostgreSQL has no unaccent)."""
    text = normalize(f"{prenom or ''} {nom or ''}")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]", " ", text)).strip()[:130]


def reference_prefix(mds) -> str:
    prefix = re.sub(r"[^A-Z0-9]", "", (mds.code or "").upper())[:3]
    return prefix or "USG"


def parse_phone(text: str):
    """The E.164 form of ``text`` when it is a valid (French by default) phone number, else None."""
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return None
    number = to_phone(digits, region="FR")
    if number is None or not getattr(number, "is_valid", lambda: False)():
        return None
    return number.as_e164
