"""Pages of the account itself that allauth does not have."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coproduction.accounts import services
from coproduction.accounts.forms import NewPasswordForm


@require_http_methods(["GET", "POST"])
def new_password(request: HttpRequest, token: str) -> HttpResponse:
    """Make a new password from a single-use link staff made for her; then she is in."""
    link = services.password_link_for_token(token)
    if link is None:
        return render(request, "account/new_password_refused.html", status=404)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_link_use(token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            if getattr(error, "code", None) == "link":
                return render(request, "account/new_password_refused.html", status=404)
            form.add_error("password1", error)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("Your new password is saved. Next time, sign in with the name %(name)s.")
                % {"name": user.username},
            )
            return redirect("home")
    return render(request, "account/new_password.html", {"form": form})
