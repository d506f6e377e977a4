"""Signing in by a code sent as a text message, for a member who said texts are safe.

allauth's phone support, on her safe-contact profile: her number is found by its keyed
hash (it is encrypted and cannot be searched) and is never changed here, only on her
contact choices page; the code goes through the outbox, by the gate, like every account
message. The sign-in page asks one thing: where to send the code.
"""

from __future__ import annotations

from allauth.account.forms import RequestLoginCodeForm
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduction.accounts.adapter import HearthAccountAdapter
from coproduction.accounts.mail import account_message_queue
from coproduction.outbox.channels import Channel
from groups.contact import profile_by_phone
from groups.models import international_phone

# The digits of a number with its country code, as E.164 allows.
PHONE_DIGITS = range(8, 16)


class MemberAccountAdapter(HearthAccountAdapter):
    """The platform's adapter, with the member's mobile number from her profile."""

    def get_user_by_phone(self, phone: str):
        profile = profile_by_phone(phone)
        return profile.member if profile is not None else None

    def get_phone(self, user) -> tuple[str, bool] | None:
        profile = getattr(user, "safe_contact", None) if user.is_member else None
        # She or her facilitator gave it for reaching her: it counts as checked.
        return (profile.phone, True) if profile is not None and profile.phone else None

    def set_phone(self, user, phone: str, verified: bool) -> None:
        # Only her contact choices page changes her number, where the change is recorded;
        # no allauth page that would call this is routed.
        raise PermissionDenied

    def set_phone_verified(self, user, phone: str) -> None:
        """Nothing to record: a number on her profile already counts as checked."""

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        account_message_queue(
            recipient=user,
            channel=Channel.SMS,
            body=_("Your code is: %(code)s") % {"code": code},
            login_code=True,
        )


class CodeRequestForm(RequestLoginCodeForm):
    """Where to send her code: the e-mail address or the mobile number she gave us, in one
    box. Whether anything is sent reads the same either way (allauth's enumeration guard)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "login": forms.CharField(
                label=gettext_lazy("Your email address or mobile number"),
                max_length=254,
                widget=forms.TextInput(attrs={"autocomplete": "username"}),
            )
        }

    def clean(self):
        given = self.cleaned_data.get("login", "").strip()
        if not given:
            return self.cleaned_data
        self._user = None
        try:
            if "@" in given:
                self.cleaned_data["email"] = forms.EmailField().clean(given)
                self.cleaned_data["email"] = self.clean_email()
            else:
                digits = international_phone(given)
                if len(digits) not in PHONE_DIGITS:
                    raise forms.ValidationError(
                        _("Type an email address, or a mobile number such as 07700 900123.")
                    )
                self.cleaned_data["phone"] = "+" + digits
                self.cleaned_data["phone"] = self.clean_phone()
        except forms.ValidationError as error:
            self.add_error("login", error)
        return self.cleaned_data
