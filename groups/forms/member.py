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
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coproduction.outbox.channels import Channel
from groups.forms.fields import clean_phone
from groups.models import (
    WEEKDAYS,
    AgreementComment,
    AgreementResponse,
    Membership,
    Profile,
    SupportContact,
)
from groups.services import BREAK_TOO_LONG, latest_break_end
from groups.summaries import staff_name

SKIP = _("You can leave this blank.")
# For a value she cannot see or change (a hidden field): opening the page again mends it.
PAGE_WENT_WRONG = _("Something went wrong on this page. Open it again, then save.")


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows; reading them all takes a while, so once."""
    return frozenset(available_timezones())


# What each way of contacting her means, in her words.
CHANNEL_LABELS = {
    Channel.EMAIL: _("Email"),
    Channel.SMS: _("Text message to my phone"),
    Channel.CALL: _("Phone call"),
    Channel.SUPPORT_WORKER: _("Through my support worker, who tells me in person"),
}
PHONE_CHANNELS = {Channel.SMS, Channel.CALL}
# Channels that reach her directly, and so need safe days and times.
TIMED_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.CALL}

NO_CONTACT_HELP = _(
    "Tick none and we will not contact you. You get in touch when you want. "
    "You can change this at any time."
)
WRITE_A_NAME = _("Write a name for us to call you.")


# --- the shapes every member form is made of -----------------------------------------


def skippable(why) -> str:
    """Help for an optional personal field: why it is asked, then that she may skip it."""
    return format_lazy("{} {}", why, SKIP)


def optional_text(label, why, *, max_length: int, rows: int | None = None, widget=None):
    """An optional box that says why it is asked and that she can leave it blank (rule 1)."""
    if rows is not None:
        widget = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=widget,
        help_text=skippable(why),
    )


def tick(label, help_text, *, initial: bool = False) -> forms.BooleanField:
    """A box she may leave unticked; it starts unticked unless said otherwise (rule 2)."""
    return forms.BooleanField(label=label, required=False, initial=initial, help_text=help_text)


def radios(label, choices, *, initial=None, help_text="") -> forms.ChoiceField:
    """One answer from a few, each a big target of its own."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        initial=initial,
        help_text=help_text,
    )


def checkboxes(field_class=forms.MultipleChoiceField, **kwargs) -> forms.Field:
    """Any number of answers, none ticked to begin with."""
    return field_class(widget=forms.CheckboxSelectMultiple, required=False, **kwargs)


class PreferredNameField(forms.CharField):
    """The one thing she must give: any name, its spaces folded."""

    def clean(self, value) -> str:
        name = " ".join(super().clean(value).split())
        if not name:
            raise forms.ValidationError(WRITE_A_NAME)
        return name


class ChannelsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, channels=None, **kwargs) -> None:
        # Her home page is not among them: it needs no choice of hers to be safe.
        channels = list(CHANNEL_LABELS) if channels is None else list(channels)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Ways we may contact you"))
        kwargs.setdefault("help_text", NO_CONTACT_HELP)
        super().__init__(choices=[(c, CHANNEL_LABELS[c]) for c in channels], **kwargs)


class ReaderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


def date_input() -> forms.DateInput:
    """The phone's own date picker."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_field(label, help_text) -> forms.TimeField:
    """A time of day, with the phone's own time picker."""
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=help_text,
    )


def password_field(label, help_text) -> forms.CharField:
    """A new password, as typed (never stripped), which the browser may offer to keep."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


# --- joining ------------------------------------------------------------------------


class JoinNameForm(forms.Form):
    # The page's heading asks the question; the label names the box.
    preferred_name = PreferredNameField(
        label=_("Your name"),
        max_length=60,
        help_text=_("Any name you like. It does not need to be your full or real name."),
    )


class JoinContactForm(forms.Form):
    """Only the ways that can work are offered: email if the link came by email, text or
    call if a number was given, her support worker if she has one."""

    # Declared in full so that checks over every form field see it; narrowed per link.
    channels = ChannelsField()

    def __init__(self, *args, channels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"] = ChannelsField(channels=channels)


class JoinAgreementForm(forms.Form):
    agrees = tick(
        _("I agree with the group agreement"),
        _("You do not have to answer now. You can say later, or say what you would change."),
    )


class JoinPasswordForm(forms.Form):
    """Only when the link came without an email: a password is then how she signs in."""

    password1 = password_field(
        _("Password"),
        _(
            "You need it to sign in. Use at least 8 letters, numbers or signs, "
            "and not only numbers."
        ),
    )
    password2 = password_field(_("Password again"), _("So we know it is typed right."))

    def __init__(self, *args, preferred_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_name = preferred_name

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = get_user_model()(username=self.preferred_name)
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


# --- her details ------------------------------------------------------------------

SO_SESSIONS_WORK = _("So sessions work for you.")


class ProfileForm(forms.Form):
    preferred_name = PreferredNameField(
        label=_("The name you want to be called"),
        max_length=60,
        help_text=_("So everyone uses the name you chose."),
    )
    pronouns = optional_text(
        _("Your pronouns (optional)"),
        _("For example she/her. So we use the right words for you."),
        max_length=40,
    )
    access_needs = checkboxes(
        label=_("What helps you take part? (optional)"),
        choices=Profile.AccessNeed.choices,
        help_text=skippable(SO_SESSIONS_WORK),
    )
    access_needs_other = optional_text(
        _("Anything else that helps you take part (optional)"),
        SO_SESSIONS_WORK,
        max_length=500,
        rows=3,
    )


class SafeContactForm(forms.Form):
    channels = ChannelsField()
    phone = optional_text(
        _("Your phone number (optional)"),
        _("Only needed for texts or calls."),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    safe_days = checkboxes(
        forms.TypedMultipleChoiceField,
        label=_("Which days are safe?"),
        choices=WEEKDAYS,
        coerce=int,
        help_text=_("We only contact you on these days. Needed for email, texts and calls."),
    )
    safe_from = time_field(_("Safe from"), _("The earliest time we may contact you."))
    safe_until = time_field(_("Safe until"), _("The latest time we may contact you."))
    voicemail_ok = tick(
        _("You may leave a voicemail"),
        _("If you leave this unticked, we never leave a voicemail."),
    )
    sender_name = optional_text(
        _("Name messages come from (optional)"),
        _("The name messages come from, e.g. Jo. So a message does not stand out."),
        max_length=40,
    )
    may_mention_group = tick(
        _("Messages may say they are about the group"),
        _("If you leave this unticked, messages will not mention the group."),
    )
    reply_word = optional_text(
        _("How you would like to reply (optional)"),
        _("For example: 1 OK, 2 not great, 3 please call. So a reply is quick."),
        max_length=80,
    )
    wants_receipts = tick(
        _("Send me a note when I change what I agreed to"),
        skippable(_("So you know each change was yours.")),
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
            self.add_error("phone", _("Add your number, or untick texts and calls."))
        if channels & TIMED_CHANNELS and "safe_days" in data and not data["safe_days"]:
            self.add_error(
                "safe_days",
                _("Choose at least one safe day, or untick email, texts and calls."),
            )
        start, end = data.get("safe_from"), data.get("safe_until")
        if start and end and start >= end:
            self.add_error("safe_until", _("Choose a time after the ‘safe from’ time."))
        return data


class SupportContactForm(forms.Form):
    kind = radios(
        _("Who is it?"),
        SupportContact.Kind.choices,
        initial=SupportContact.Kind.TRUSTED_PERSON,
    )
    name = optional_text(
        _("Their name (optional)"),
        _("So you and we know who this is."),
        max_length=80,
    )
    channel = forms.ChoiceField(
        label=_("How to reach them (optional)"),
        choices=[("", _("Not needed"))]
        + [(c, CHANNEL_LABELS[c]) for c in (Channel.EMAIL, Channel.SMS, Channel.CALL)],
        required=False,
        help_text=skippable(_("So we can reach them if you ask.")),
    )
    contact_detail = optional_text(
        _("Their email or phone number (optional)"),
        _("Needed only if you chose how to reach them."),
        max_length=120,
    )
    contact_if_i_ask = tick(
        _("Contact them if I ask"),
        _("We only get in touch with them when you ask us to."),
        initial=True,
    )
    contact_if_worried = tick(
        _("Contact them if you are worried about me"),
        _(
            "If you leave this unticked, we never contact them unless you ask. "
            "If you tick it, we may contact them when we are worried about you."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        channel, detail = data.get("channel"), (data.get("contact_detail") or "").strip()
        if channel and not detail:
            self.add_error(
                "contact_detail",
                _("Add their email or number, or choose ‘Not needed’."),
            )
        elif detail and not channel:
            self.add_error("channel", _("Choose how to reach them."))
        elif channel == Channel.EMAIL:
            try:
                forms.EmailField().clean(detail)
            except forms.ValidationError:
                self.add_error("contact_detail", _("Write an email address, like jo@example.org."))
        elif channel in PHONE_CHANNELS:
            try:
                detail = clean_phone(detail)
            except forms.ValidationError as error:
                self.add_error("contact_detail", error)
        data["contact_detail"] = detail
        data["name"] = (data.get("name") or "").strip()
        return data


def _plan_words(label, why) -> forms.CharField:
    return optional_text(label, why, max_length=2000, rows=4)


class SupportPlanForm(forms.Form):
    what_helps = _plan_words(_("What helps me"), _("So the people you choose know what helps you."))
    signs_to_notice = _plan_words(
        _("Signs I'd like others to notice"),
        _("So they can notice when things are hard for you."),
    )
    please_do = _plan_words(_("Please do"), _("What you would like them to do."))
    please_do_not = _plan_words(_("Please don't"), _("What you would like them not to do."))


class SupportPlanSharingForm(forms.Form):
    readers = checkboxes(
        ReaderChoiceField,
        label=_("Who can see my plan"),
        queryset=None,
        help_text=_("Tick nobody and only you can see it. You can change this at any time."),
    )

    def __init__(self, *args, staff, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["readers"].queryset = staff


# --- her place in the group ----------------------------------------------------------


class StepBackForm(forms.Form):
    until = forms.DateField(
        label=_("Back on (optional)"),
        required=False,
        widget=date_input(),
        help_text=skippable(_("If you pick a date, you come back that day by yourself.")),
    )
    keep_session_changes = tick(
        _("Still tell me if a session changes"),
        _("If you leave this unticked, we send you nothing while you take a break."),
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
            raise forms.ValidationError(_("Choose a date after today."))
        if until is not None and until > latest_break_end(timezone.localdate()):
            raise forms.ValidationError(BREAK_TOO_LONG)
        return until


class LeaveForm(forms.Form):
    choice = radios(
        _("What should happen to your information?"),
        Membership.LeaveChoice.choices,
        initial=Membership.LeaveChoice.KEEP,
        help_text=_("If you keep it, you can come back later and it is all still here."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, I want to leave the group"),
        help_text=_("Tick this to leave."),
    )


class AgreementResponseForm(forms.Form):
    AGREE, DISAGREE = "agree", "disagree"

    answer = radios(
        _("What do you think?"),
        [
            (AGREE, _("I agree")),
            (DISAGREE, _("I do not agree with all of it")),
        ],
    )
    disagreement = forms.CharField(
        label=_("What would you change?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if you do not agree. So the group can talk about it."),
    )

    @classmethod
    def initial_for(cls, answer: AgreementResponse | None) -> dict:
        """Her saved answer as the form's starting values (nothing chosen before she answers)."""
        if answer is None:
            return {}
        return {
            "answer": cls.AGREE if answer.agrees else cls.DISAGREE,
            "disagreement": answer.disagreement,
        }


class AgreementCommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = radios(
        _("What is it?"),
        AgreementComment.Kind.choices,
        initial=AgreementComment.Kind.COMMENT,
    )
    text = forms.CharField(
        label=_("Your words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The group will read it when they next talk about the agreement."),
    )
