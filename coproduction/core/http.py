"""Small pieces every form view needs, written once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

GET_POST = require_http_methods(["GET", "POST"])


def posted(request: HttpRequest):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def show_refusal(form: Form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's refusal on the form, next to the field it is about if known."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)
