"""Validation shared by the member and staff forms."""

from __future__ import annotations

import re

from django import forms

PHONE_ALLOWED = re.compile(r"^\+?[0-9 ]+$")
# Says exactly what PHONE_ALLOWED accepts, with examples it accepts.
PHONE_HINT = "Write the number with digits and spaces, like 07700 900123 or +44 7700 900123."


def clean_phone(value: str) -> str:
    """A lenient UK-ish number: digits and spaces, perhaps a leading +, 10 to 15 digits.
    The same number typed by her or by a facilitator must be accepted by both forms."""
    value = " ".join(value.split())
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_ALLOWED.match(value) or not 10 <= digits <= 15:
        raise forms.ValidationError(PHONE_HINT)
    return value
