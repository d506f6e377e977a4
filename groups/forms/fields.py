"""Validation shared by the member and staff forms."""

from __future__ import annotations

import re

from django import forms

PHONE_ALLOWED = re.compile(r"^\+?[0-9 ]+$")


def clean_phone(value: str) -> str:
    """A lenient UK-ish number: digits and spaces, perhaps a leading +, 10 to 15 digits.
    The same number typed by her or by a facilitator must be accepted by both forms."""
    value = " ".join(value.split())
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_ALLOWED.match(value) or not 10 <= digits <= 15:
        raise forms.ValidationError("Write the number with digits only, like 07700 900123.")
    return value
