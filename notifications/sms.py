"""SMS length arithmetic (3GPP TS 23.038 / 23.040).

- GSM-7: 160 septets in a single SMS, 153 per part when concatenated (the user data header takes 7).
  Characters of the extension table (``^{}\\[~]|€`` and form feed) take two septets (ESC + char) and
  an escape pair is never split across two parts.
- UCS-2 (as soon as one character is outside GSM-7): 70 UTF-16 code units single, 67 per part;
  a surrogate pair (emoji…) is never split.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def _pack(weights: list[int], single: int, part: int) -> int:
    if sum(weights) <= single:
        return 1
    segments, used = 1, 0
    for weight in weights:
        if used + weight > part:  # the character (escape pair / surrogate pair) moves whole
            segments += 1
            used = 0
        used += weight
    return segments


def measure(text: str) -> SmsLength:
    if is_gsm7(text):
        weights = [2 if ch in _EXTENSION else 1 for ch in text]
        return SmsLength("gsm7", sum(weights), _pack(weights, GSM7_SINGLE, GSM7_PART))
    weights = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsLength("ucs2", sum(weights), _pack(weights, UCS2_SINGLE, UCS2_PART))


# Latin letters outside GSM-7 that have an obvious GSM-7 look-alike: used for Latin-script messages
# so that one "ê" in an MDS name does not switch the whole SMS to UCS-2 (70 characters a part).
_FOLD = {
    "’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-", "…": "...",
    "\u00a0": " ", "\u202f": " ", "œ": "oe", "Œ": "OE", "ç": "c",
}  # fmt: skip


def gsm_fold(text: str) -> str:
    """Replace characters outside GSM-7 by the closest GSM-7 spelling (ê → e, ’ → ')."""
    out = []
    for ch in text:
        if ch in _BASIC or ch in _EXTENSION:
            out.append(ch)
        elif ch in _FOLD:
            out.append(_FOLD[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(c in _BASIC for c in base) else ch)
    return "".join(out)
