"""Forms for the member portal.

Rule 1: nothing here asks about her past, her health or her story. The only thing
she must give is a name to be called by; every other field says why it is asked
and that she can leave it blank. Short, plain words: one question per field.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy

from coproduction.outbox.channels import Channel
from groups.forms.fields import clean_phone
from groups.models import (
    WEEKDAYS,
    AgreementComment,
    Membership,
    Profile,
    SupportContact,
)
from groups.services import BREAK_TOO_LONG, latest_break_end

SKIP = "You can leave this blank."
# For a value she cannot see or change (a hidden field): opening the page again mends it.
PAGE_WENT_WRONG = gettext_lazy("Something went wrong on this page. Open it again, then save.")


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows; reading them all takes a while, so once."""
    return frozenset(available_timezones())


# What each way of contacting her means, in her words.
CHANNEL_LABELS = {
    Channel.EMAIL: "Email",
    Channel.SMS: "Text message to my phone",
    Channel.CALL: "Phone call",
    Channel.SUPPORT_WORKER: "Through my support worker, who tells me in person",
}
PHONE_CHANNELS = {Channel.SMS, Channel.CALL}
# Channels that reach her directly, and so need safe days and times.
TIMED_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.CALL}

NO_CONTACT_HELP = (
    "Tick none and we will not contact you. You get in touch when you want. "
    "You can change this at any time."
)


class ChannelsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, channels=None, **kwargs) -> None:
        channels = list(Channel.values) if channels is None else list(channels)
        kwargs.setdefault("required", False)
        super().__init__(choices=[(c, CHANNEL_LABELS[c]) for c in channels], **kwargs)


# --- joining ------------------------------------------------------------------------


class JoinNameForm(forms.Form):
    # The page's heading asks the question; the label names the box.
    preferred_name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=60,
        help_text=gettext_lazy("Any name you like. It does not need to be your full or real name."),
    )

    def clean_preferred_name(self) -> str:
        name = " ".join(self.cleaned_data["preferred_name"].split())
        if not name:
            raise forms.ValidationError("Write a name for us to call you.")
        return name


class JoinContactForm(forms.Form):
    """Only the ways that can work are offered: email if the link came by email, text or
    call if a number was given, her support worker if she has one."""

    # Declared in full so that checks over every form field see it; narrowed per link.
    channels = ChannelsField(
        label=gettext_lazy("Ways we may contact you"), help_text=NO_CONTACT_HELP
    )

    def __init__(self, *args, channels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"] = ChannelsField(
            channels=channels,
            label=gettext_lazy("Ways we may contact you"),
            help_text=NO_CONTACT_HELP,
        )


class JoinAgreementForm(forms.Form):
    agrees = forms.BooleanField(
        label=gettext_lazy("I agree with the group agreement"),
        required=False,
        help_text=gettext_lazy(
            "You do not have to answer now. You can say later, or say what you would change."
        ),
    )


class JoinPasswordForm(forms.Form):
    """Only when the link came without an email: a password is then how she signs in."""

    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="You need it to sign in. Use at least 8 letters, numbers or signs, "
        "and not only numbers.",
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("So we know it is typed right."),
    )

    def __init__(self, *args, preferred_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_name = preferred_name

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            candidate = get_user_model()(username=self.preferred_name)
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


# --- her details ------------------------------------------------------------------


class ProfileForm(forms.Form):
    preferred_name = forms.CharField(
        label=gettext_lazy("The name you want to be called"),
        max_length=60,
        help_text=gettext_lazy("So everyone uses the name you chose."),
    )
    pronouns = forms.CharField(
        label=gettext_lazy("Your pronouns (optional)"),
        max_length=40,
        required=False,
        help_text=f"For example she/her. So we use the right words for you. {SKIP}",
    )
    access_needs = forms.MultipleChoiceField(
        label=gettext_lazy("What helps you take part? (optional)"),
        choices=Profile.AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=f"So sessions work for you. {SKIP}",
    )
    access_needs_other = forms.CharField(
        label=gettext_lazy("Anything else that helps you take part (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"So sessions work for you. {SKIP}",
    )

    def clean_preferred_name(self) -> str:
        name = " ".join(self.cleaned_data["preferred_name"].split())
        if not name:
            raise forms.ValidationError("Write a name for us to call you.")
        return name


class SafeContactForm(forms.Form):
    channels = ChannelsField(
        label=gettext_lazy("Ways we may contact you"), help_text=NO_CONTACT_HELP
    )
    phone = forms.CharField(
        label=gettext_lazy("Your phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=f"Only needed for texts or calls. {SKIP}",
    )
    safe_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Which days are safe?"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "We only contact you on these days. Needed for email, texts and calls."
        ),
    )
    safe_from = forms.TimeField(
        label=gettext_lazy("Safe from"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("The earliest time we may contact you."),
    )
    safe_until = forms.TimeField(
        label=gettext_lazy("Safe until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("The latest time we may contact you."),
    )
    voicemail_ok = forms.BooleanField(
        label=gettext_lazy("You may leave a voicemail"),
        required=False,
        help_text=gettext_lazy("If you leave this unticked, we never leave a voicemail."),
    )
    sender_name = forms.CharField(
        label=gettext_lazy("Name messages come from (optional)"),
        max_length=40,
        required=False,
        help_text=f"The name messages come from, e.g. Jo. So a message does not stand out. {SKIP}",
    )
    may_mention_group = forms.BooleanField(
        label=gettext_lazy("Messages may say they are about the group"),
        required=False,
        help_text=gettext_lazy("If you leave this unticked, messages will not mention the group."),
    )
    reply_word = forms.CharField(
        label=gettext_lazy("How you would like to reply (optional)"),
        max_length=80,
        required=False,
        help_text=f"For example: 1 OK, 2 not great, 3 please call. So a reply is quick. {SKIP}",
    )
    time_zone = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput,
        initial="Europe/London",
        error_messages={"required": PAGE_WENT_WRONG, "max_length": PAGE_WENT_WRONG},
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_time_zone(self) -> str:
        # ZoneInfo() also opens whatever path it is given ("America" is a directory of
        # zones), so only a name from the zone list itself is kept.
        value = self.cleaned_data["time_zone"]
        if value not in time_zone_names():
            raise forms.ValidationError(PAGE_WENT_WRONG)
        return value

    def clean(self) -> dict:
        data = super().clean()
        channels = set(data.get("channels") or [])
        if channels & PHONE_CHANNELS and "phone" in data and not data["phone"]:
            self.add_error("phone", "Add your number, or untick texts and calls.")
        if channels & TIMED_CHANNELS and "safe_days" in data and not data["safe_days"]:
            self.add_error(
                "safe_days", "Choose at least one safe day, or untick email, texts and calls."
            )
        start, end = data.get("safe_from"), data.get("safe_until")
        if start and end and start >= end:
            self.add_error("safe_until", "Choose a time after the ‘safe from’ time.")
        return data


class SupportContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Who is it?"),
        choices=SupportContact.Kind.choices,
        widget=forms.RadioSelect,
        initial=SupportContact.Kind.TRUSTED_PERSON,
    )
    name = forms.CharField(
        label=gettext_lazy("Their name (optional)"),
        max_length=80,
        required=False,
        help_text=f"So you and we know who this is. {SKIP}",
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How to reach them (optional)"),
        choices=[("", "Not needed")]
        + [(c, CHANNEL_LABELS[c]) for c in (Channel.EMAIL, Channel.SMS, Channel.CALL)],
        required=False,
        help_text=f"So we can reach them if you ask. {SKIP}",
    )
    contact_detail = forms.CharField(
        label=gettext_lazy("Their email or phone number (optional)"),
        max_length=120,
        required=False,
        help_text=f"Needed only if you chose how to reach them. {SKIP}",
    )
    contact_if_i_ask = forms.BooleanField(
        label=gettext_lazy("Contact them if I ask"),
        required=False,
        initial=True,
        help_text=gettext_lazy("We only get in touch with them when you ask us to."),
    )
    contact_if_worried = forms.BooleanField(
        label=gettext_lazy("Contact them if you are worried about me"),
        required=False,
        initial=False,
        help_text="If you leave this unticked, we never contact them unless you ask. "
        "If you tick it, we may contact them when we are worried about you.",
    )

    def clean(self) -> dict:
        data = super().clean()
        channel, detail = data.get("channel"), (data.get("contact_detail") or "").strip()
        if channel and not detail:
            self.add_error("contact_detail", "Add their email or number, or choose ‘Not needed’.")
        elif detail and not channel:
            self.add_error("channel", "Choose how to reach them.")
        elif channel == Channel.EMAIL:
            try:
                forms.EmailField().clean(detail)
            except forms.ValidationError:
                self.add_error("contact_detail", "Write an email address, like jo@example.org.")
        elif channel in PHONE_CHANNELS:
            try:
                detail = clean_phone(detail)
            except forms.ValidationError as error:
                self.add_error("contact_detail", error)
        data["contact_detail"] = detail
        data["name"] = (data.get("name") or "").strip()
        return data


class SupportPlanForm(forms.Form):
    what_helps = forms.CharField(
        label=gettext_lazy("What helps me"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"So the people you choose know what helps you. {SKIP}",
    )
    signs_to_notice = forms.CharField(
        label=gettext_lazy("Signs I'd like others to notice"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"So they can notice when things are hard for you. {SKIP}",
    )
    please_do = forms.CharField(
        label=gettext_lazy("Please do"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"What you would like them to do. {SKIP}",
    )
    please_do_not = forms.CharField(
        label=gettext_lazy("Please don't"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"What you would like them not to do. {SKIP}",
    )


class ReaderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class SupportPlanSharingForm(forms.Form):
    readers = ReaderChoiceField(
        label=gettext_lazy("Who can see my plan"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Tick nobody and only you can see it. You can change this at any time."
        ),
    )

    def __init__(self, *args, staff, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["readers"].queryset = staff


# --- her place in the group ----------------------------------------------------------


class StepBackForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("Back on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"If you pick a date, you come back that day by yourself. {SKIP}",
    )
    keep_session_changes = forms.BooleanField(
        label=gettext_lazy("Still tell me if a session changes"),
        required=False,
        help_text=gettext_lazy(
            "If you leave this unticked, we send you nothing while you take a break."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The phone's date picker offers only the days the form accepts.
        today = timezone.localdate()
        self.fields["until"].widget.attrs.update(
            min=(today + dt.timedelta(days=1)).isoformat(),
            max=latest_break_end(today).isoformat(),
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until <= timezone.localdate():
            raise forms.ValidationError("Choose a date after today.")
        if until is not None and until > latest_break_end(timezone.localdate()):
            raise forms.ValidationError(BREAK_TOO_LONG)
        return until


class LeaveForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("What should happen to your information?"),
        choices=Membership.LeaveChoice.choices,
        widget=forms.RadioSelect,
        initial=Membership.LeaveChoice.KEEP,
        help_text=gettext_lazy("If you keep it, you can come back later and it is all still here."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I want to leave the group"),
        help_text=gettext_lazy("Tick this to leave."),
    )


class AgreementResponseForm(forms.Form):
    AGREE, DISAGREE = "agree", "disagree"

    answer = forms.ChoiceField(
        label=gettext_lazy("What do you think?"),
        choices=[(AGREE, "I agree"), (DISAGREE, "I do not agree with all of it")],
        widget=forms.RadioSelect,
    )
    disagreement = forms.CharField(
        label=gettext_lazy("What would you change?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only if you do not agree. So the group can talk about it."),
    )


class AgreementCommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=gettext_lazy("What is it?"),
        choices=AgreementComment.Kind.choices,
        widget=forms.RadioSelect,
        initial=AgreementComment.Kind.COMMENT,
    )
    text = forms.CharField(
        label=gettext_lazy("Your words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The group will read it when they next talk about the agreement."),
    )
