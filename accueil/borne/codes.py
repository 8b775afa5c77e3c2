"""Short codes read aloud or typed on a touch screen: an unambiguous alphabet (no 0/O, 1/I/L, 2/Z,
5/S, 8/B, U/V), drawn with ``secrets``. 8 characters from 23 symbols ≈ 7.8e10 possibilities."""

import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
BOOKING_CODE_LENGTH = 8
PAIRING_CODE_LENGTH = 10


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(typed: str) -> str:
    """What the person typed → a code: upper case, spaces and dashes removed."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCD EFGH: groups of four, easier to read aloud."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
