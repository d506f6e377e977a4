"""The member's check-in screens, one choice each, and the staff's acknowledgement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduction.outbox.channels import Channel
from groups.forms.member import radios, time_field
from groups.models import WEEKDAYS
from sessions_app.models import CheckIn, CheckInPlan, StaffReminderChoice
from sessions_app.services.checkins import NO_ANSWER_DAYS, OWN_WORDS_MAX

CHOOSE_ONE = _("Please choose one.")

# How a check-in may reach her, in her words.
CHANNEL_WORDS = {
    Channel.SMS: _("A text message to my phone"),
    Channel.EMAIL: _("An email"),
    Channel.PORTAL: _("On my Hearth home page, when I sign in"),
    Channel.SUPPORT_WORKER: _("My support worker asks me"),
}


def _radios(label, choices, **kwargs) -> forms.ChoiceField:
    field = radios(label, choices, **kwargs)
    field.error_messages["required"] = CHOOSE_ONE
    field.error_messages["invalid_choice"] = CHOOSE_ONE
    return field


class RhythmForm(forms.Form):
    rhythm = _radios(_("How often?"), CheckInPlan.Rhythm.choices)


class ChannelForm(forms.Form):
    """Only the ways she said are safe, and her home page, which always is."""

    def __init__(self, *args, safe_channels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (channel, CHANNEL_WORDS[channel])
            for channel in (Channel.SMS, Channel.EMAIL, Channel.SUPPORT_WORKER)
            if channel in safe_channels
        ] + [(Channel.PORTAL, CHANNEL_WORDS[Channel.PORTAL])]
        self.fields["channel"] = _radios(_("How should we ask?"), choices)


class WhenForm(forms.Form):
    """A day and a time; by text or email, only among her safe days and hours."""

    def __init__(self, *args, days, hours: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekday"] = forms.TypedChoiceField(
            label=_("Which day?"),
            choices=[(day, label) for day, label in WEEKDAYS if day in days],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
        )
        self.fields["at_time"] = time_field(_("What time?"), hours)
        self.fields["at_time"].error_messages["required"] = _("Please give a time, like 10:00.")
        self.fields["at_time"].error_messages["invalid"] = _("Please give a time, like 10:00.")


class WordsForm(forms.Form):
    """Her check-in's words: a few plain ones with her name in, or her own."""

    own_words = forms.CharField(
        label=_("Your own words (if you chose them)"),
        max_length=OWN_WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("At most 140 letters. Nobody else sees them."),
    )

    def __init__(self, *args, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (value, label % {"name": name} if value != CheckInPlan.Wording.OWN else label)
            for value, label in CheckInPlan.Wording.choices
        ]
        self.fields["wording"] = _radios(_("Which words?"), choices)
        self.order_fields(["wording", "own_words"])


class NoAnswerForm(forms.Form):
    if_no_answer = _radios(_("If you do not answer"), CheckInPlan.IfNoAnswer.choices)
    no_answer_days = forms.TypedChoiceField(
        label=_("After how many days?"),
        choices=[(days, str(days)) for days in NO_ANSWER_DAYS],
        coerce=int,
        initial=2,
        help_text=_("Only if you chose to tell your support worker."),
        error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
    )


class AnswerForm(forms.Form):
    answer = _radios(_("How are things?"), CheckIn.Answer.choices)


class AcknowledgeForm(forms.Form):
    what_was_done = forms.CharField(
        label=_("What was done, or will be"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: “Called her at 11:00, she is OK.” Kept for the group's record; "
            "she can see it in her information."
        ),
        error_messages={"required": _("Please say what was done, or what will be.")},
    )


class ReminderChoiceForm(forms.Form):
    """How a member of staff hears what waits for her: an email for each thing, or one
    a day at a time she picks."""

    how = _radios(_("How would you like to hear about these?"), StaffReminderChoice.How.choices)
    digest_at = time_field(_("Time for the daily email"), "")

    def __init__(self, *args, zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        at = self.fields["digest_at"]
        # Only the daily email needs a time: with single emails it is kept as it was.
        at.required = False
        at.help_text = _(
            "For example 09:00, in %(zone)s time. It comes within ten minutes of it."
        ) % {"zone": zone}
        at.error_messages["invalid"] = _("Please give a time, like 09:00.")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("how") == StaffReminderChoice.How.DIGEST and not cleaned.get("digest_at"):
            if "digest_at" not in self.errors:
                self.add_error(
                    "digest_at", _("Please give a time for the daily email, like 09:00.")
                )
        return cleaned
