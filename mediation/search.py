"""The accent-free search column of the referentials (type-ahead on démarches)."""

import re

from core.text_guard import normalize


def search_text(*parts: str) -> str:
    """Accent-free, lower-case words separated by single spaces (type-ahead column)."""
    return " " + re.sub(r"[^a-z0-9]+", " ", normalize(" ".join(p for p in parts if p))).strip() + " "
