"""Fields shared by the member and staff consent forms."""

import uuid

from django import forms


def once_field() -> forms.UUIDField:
    """A hidden value made when the form is shown, so a form sent twice (a double tap, a
    resend after a slow network) is kept once."""
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
