"""Phone numbers in E.164 form, so that a roster entry and an inbound SMS match."""

from __future__ import annotations

import re

DEFAULT_COUNTRY_CODE = "46"  # Sweden; pass another for other countries


class PhoneNumberError(ValueError):
    """Not a usable phone number."""


def normalize_phone(raw: str, *, country_code: str = DEFAULT_COUNTRY_CODE) -> str:
    """``070-123 45 67`` -> ``+46701234567``; ``0046 70...`` and ``+46 (0)70...`` too.

    Raises :class:`PhoneNumberError` when the result is not 8 to 15 digits.
    """
    text = (raw or "").strip()
    text = text.replace("(0)", "")
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if plus:
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = country_code + digits[1:]
    else:
        number = digits
    if not 8 <= len(number) <= 15 or number.startswith("0"):
        raise PhoneNumberError(f"not a phone number: {raw!r}")
    return "+" + number


def mask_phone(number: str) -> str:
    """``+46701234567`` -> ``+46 70 *** ** 67`` style masking for logs: keep 4+2."""
    if len(number) <= 6:
        return "***"
    return number[:5] + "*" * (len(number) - 7) + number[-2:]
