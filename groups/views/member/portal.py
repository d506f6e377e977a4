"""What every member portal view starts with, and how its forms are saved."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form

from coproduction.core.http import show_refusal
from groups.permissions import require_member


def member_view(methods: Callable) -> Callable:
    """A member-only page: signed in first, then the allowed methods (405), then members
    only (staff get 403), in that order, as every member page has always checked."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def members_only(request, *args, **kwargs):
            require_member(request.user)
            return view(request, *args, **kwargs)

        return login_required(methods(members_only))

    return decorate


def saved(form: Form, write: Callable[[dict], object], field: str | None = None) -> bool:
    """Whether a valid submission was written by `write` (a service call given the form's
    cleaned data). A refusal from the service is shown on the form, next to `field` if
    the refusal names none, and the page is shown again."""
    if not (form.is_bound and form.is_valid()):
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        show_refusal(form, error, field)
        return False
    return True
