"""GSTIN format and checksum, and organisation handles (the people's handle rules, one namespace)."""

from __future__ import annotations

import re

GSTIN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstin_check_char(first14: str) -> str:
    """The GSTIN's 15th character: the mod-36 checksum of the first 14."""
    total = 0
    for i, char in enumerate(first14):
        product = _ALPHABET.index(char) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _ALPHABET[(36 - total % 36) % 36]


def gstin_problem(gstin: str) -> str | None:
    """Why a GSTIN is not valid as written, or None."""
    if not GSTIN_PATTERN.match(gstin):
        return "15 characters: state code, PAN, entity number, Z and a check character."
    if gstin_check_char(gstin[:14]) != gstin[14]:
        return "The check character does not match; look for a typing mistake."
    return None
