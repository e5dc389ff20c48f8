"""API schema types with the bounds of :mod:`sot.validation.bounds`.

``Text(300)`` is a string of at most 300 characters without control characters;
``Number(bounds.PEOPLE)`` a finite number in the range (NaN and infinity refused);
``Whole(...)`` the same for integers. Ninja reports a breach as 422 with the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from sot.validation import bounds


def _text_check(multiline: bool):
    def check(value: str) -> str:
        bad = bounds.forbidden_character(value, multiline=multiline)
        if bad is not None:
            raise ValueError(f"control character U+{ord(bad):04X} is not allowed")
        return value

    return check


def Text(max_len: int, *, multiline: bool = False) -> Any:  # noqa: N802 - a type
    """A string of at most ``max_len`` characters without control characters."""
    return Annotated[
        str, Field(max_length=max_len), AfterValidator(_text_check(multiline))
    ]


def Number(limit: bounds.Range) -> Any:  # noqa: N802 - a type
    """A finite number inside ``limit``."""
    return Annotated[float, Field(ge=limit.low, le=limit.high, allow_inf_nan=False)]


def Whole(limit: bounds.Range) -> Any:  # noqa: N802 - a type
    """A whole number inside ``limit``."""
    return Annotated[int, Field(ge=int(limit.low), le=int(limit.high))]


Name = Text(bounds.NAME_LEN)
Short = Text(bounds.SHORT_TEXT_LEN)
Long = Text(bounds.LONG_TEXT_LEN, multiline=True)
#: Codes, ids and slugs given in a path or body.
Code = Text(100)
