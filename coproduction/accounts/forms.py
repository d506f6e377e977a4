"""Password forms in plain words: one hint, and one problem at a time."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ChangePasswordForm, ResetPasswordKeyForm, SetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

PASSWORD_HINT = _(
    "Use 8 or more letters, numbers or spaces. A few words together are easy to remember."
)
NEW_LABEL = _("New password")
AGAIN_LABEL = _("Type it again")
NOT_THE_SAME = _("The two passwords are not the same. Type them again.")


class _OneHint:
    # Mixed into allauth's password forms, which give it its fields.
    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password1"].label = NEW_LABEL
        if "oldpassword" in self.fields:
            self.fields["oldpassword"].label = _("Your password now")
            self.fields["oldpassword"].widget.attrs["placeholder"] = ""
        self.fields["password2"].label = AGAIN_LABEL
        self.fields["password2"].widget.attrs["placeholder"] = ""
        self.fields["password1"].widget.attrs["placeholder"] = ""


class HearthChangePasswordForm(_OneHint, ChangePasswordForm):
    pass


class HearthSetPasswordForm(_OneHint, SetPasswordForm):
    pass


class HearthResetPasswordKeyForm(_OneHint, ResetPasswordKeyForm):
    pass


class NewPasswordForm(forms.Form):
    """Her new password, from a link staff made for her."""

    password1 = forms.CharField(
        label=NEW_LABEL,
        help_text=PASSWORD_HINT,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=AGAIN_LABEL,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", NOT_THE_SAME)
        return self.cleaned_data
