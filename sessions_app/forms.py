"""The member's check-in screens, one choice each, and the staff's acknowledgement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduction.outbox.channels import Channel
from groups.forms.member import checkboxes, date_input, radios, time_field
from groups.models import WEEKDAYS
from sessions_app.models import CheckIn, CheckInPlan, ContentNote, StaffReminderChoice
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
        # After each session she came to, the day is the session's: only the time is hers.
        if days is not None:
            self._weekday(days)
        self.fields["at_time"] = time_field(_("What time?"), hours)
        self.fields["at_time"].error_messages["required"] = _("Please give a time, like 10:00.")
        self.fields["at_time"].error_messages["invalid"] = _("Please give a time, like 10:00.")

    def _weekday(self, days) -> None:
        self.fields["weekday"] = forms.TypedChoiceField(
            label=_("Which day?"),
            choices=[(day, label) for day, label in WEEKDAYS if day in days],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
        )


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


# --- sessions ------------------------------------------------------------------------


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PlaceFields(forms.Form):
    """Where a session is and what it is like to get to and be in."""

    title = forms.CharField(
        label=_("Title members see (optional)"), required=False, max_length=100,
        help_text=_("Leave empty for a plain one such as “Tuesday meet-up”. Keep it neutral: "
                    "members may read it on a shared phone."),
    )  # fmt: skip
    internal_title = forms.CharField(
        label=_("Title for staff (optional)"), required=False, max_length=200
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    getting_there = forms.CharField(
        label=_("How to get there"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Buses, parking, which door, who meets people at the door."),
    )  # fmt: skip
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    quiet_room = forms.BooleanField(label=_("A quiet room to step out to"), required=False)
    toilets = forms.CharField(
        label=_("Toilets"), required=False, max_length=200,
        help_text=_("Where they are, and whether there is an accessible one."),
    )  # fmt: skip
    online_link = forms.URLField(
        label=_("Online link (optional)"), required=False, assume_scheme="https",
        help_text=_("Shown to members in Hearth, never in a message unless she allowed it."),
    )  # fmt: skip
    breaks = forms.CharField(
        label=_("Planned breaks"), required=False, max_length=200,
        help_text=_("For example: a 15-minute break at 11:30, with tea."),
    )  # fmt: skip
    debrief = forms.BooleanField(
        label=_("Facilitators debrief after"), required=False, initial=True
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("address", "").strip() or cleaned.get("online_link")):
            self.add_error("address", _("Please give an address or an online link."))
        return cleaned


class SeriesForm(PlaceFields):
    """One date or a repeating series, made in one step."""

    REPEATS = (
        ("once", _("Just this date")),
        ("1", _("Every week")),
        ("2", _("Every other week")),
        ("4", _("Every four weeks")),
    )

    first_day = forms.DateField(label=_("Date (the first one, for a series)"), widget=date_input())
    starts = time_field(_("Starts at"), "")
    ends = time_field(_("Ends at"), "")
    repeat = forms.ChoiceField(label=_("How often"), choices=REPEATS, initial="2")
    times = forms.IntegerField(
        label=_("How many dates"), min_value=1, max_value=52, initial=10,
        help_text=_("For a series: how many dates to make. Each can then be changed or "
                    "cancelled on its own."),
    )  # fmt: skip

    field_order = ["first_day", "starts", "ends", "repeat", "times", "facilitators"]

    def __init__(self, *args, facilitators, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"] = PersonChoiceField(
            label=_("Who will run it"), queryset=facilitators, required=True,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Please choose at least one facilitator.")},
        )  # fmt: skip
        self.order_fields(self.field_order)

    def rule(self) -> str | None:
        """The RFC 5545 rule for the dates asked for, or None for one date."""
        repeat = self.cleaned_data["repeat"]
        if repeat == "once":
            return None
        return f"FREQ=WEEKLY;INTERVAL={repeat};COUNT={self.cleaned_data['times']}"


class SessionForm(PlaceFields):
    """One date's own details: changing it after publishing tells members."""

    day = forms.DateField(label=_("Date"), widget=date_input())
    starts = time_field(_("Starts at"), "")
    ends = time_field(_("Ends at"), "")

    field_order = ["day", "starts", "ends"]


class RosterForm(forms.Form):
    def __init__(self, *args, facilitators, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonField(
            label=_("Facilitator"), queryset=facilitators,
            error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
        )  # fmt: skip


class AgendaItemForm(forms.Form):
    at_time = time_field(_("Time (optional)"), "")
    purpose = forms.CharField(
        label=_("What this part is for"), max_length=200,
        error_messages={"required": _("Please say what this part is for.")},
    )  # fmt: skip
    led_by = forms.CharField(label=_("Who leads it (optional)"), required=False, max_length=100)
    content_notes = checkboxes(
        label=_("Content notes"), choices=ContentNote.choices,
        help_text=_("Tick what this part touches on, so nobody meets it unwarned."),
    )  # fmt: skip
    content_note_text = forms.CharField(
        label=_("Anything else members should know first (optional)"), required=False,
        max_length=200,
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at_time"].required = False


class AttendanceForm(forms.Form):
    """Who came and for how long: one pair of fields per member."""

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            name = member.display_name
            self.fields[f"came_{member.pk}"] = forms.BooleanField(
                label=_("%(name)s came") % {"name": name}, required=False
            )
            self.fields[f"hours_{member.pk}"] = forms.DecimalField(
                label=_("Hours for %(name)s") % {"name": name}, required=False,
                min_value=0.25, max_value=12, decimal_places=2,
                help_text=_("Leave empty for the whole session."),
            )  # fmt: skip

    def came(self) -> dict[int, tuple[bool, object]]:
        return {
            member.pk: (
                self.cleaned_data[f"came_{member.pk}"],
                self.cleaned_data[f"hours_{member.pk}"],
            )
            for member in self.members
        }


class SessionChoicesForm(forms.Form):
    day_before = forms.BooleanField(
        label=_("Send me a reminder the day before"), required=False,
        help_text=_("It comes the way you chose, in your safe times."),
    )  # fmt: skip
    topics = checkboxes(
        label=_("Tell me first when a plan touches on"), choices=ContentNote.choices,
        help_text=_("We will tell you before the day. You never have to say why."),
    )  # fmt: skip
