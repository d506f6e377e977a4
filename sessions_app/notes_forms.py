"""The facilitators' forms for a session's note and for a "you said, we did" change."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.forms.member import checkboxes, date_input, radios
from sessions_app.models import ServiceChange
from sessions_app.services.notes import NOTE_MAX

NOT_IN_THE_LIST = _("Please choose from the list.")
NOT_A_DAY = _("Please give a date, like 3 March 2027.")


def _picked(label, choices, help_text="") -> forms.Field:
    """Any number of rows of a list, by id."""
    field = checkboxes(
        forms.TypedMultipleChoiceField, label=label, choices=choices, coerce=int,
        help_text=help_text,
    )  # fmt: skip
    field.error_messages["invalid_choice"] = NOT_IN_THE_LIST
    return field


class NoteForm(forms.Form):
    """The note's words, and what members said to place in it."""

    text = forms.CharField(
        label=_("What the session talked about"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Members read this once it is checked and shared. Use plain words; name "
                    "nobody unless they agreed."),
        error_messages={"required": _("Please write what the session talked about.")},
    )  # fmt: skip

    def __init__(self, *args, contributions: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributions"] = _picked(
            _("What members said, to place in the note"),
            contributions,
            _(
                "Each keeps the choice its member made: other members see it only if she "
                "shared it with the group, and she can change that at any time."
            ),
        )


class ServiceChangeForm(forms.Form):
    """One "you said, we did" record, as members will read it."""

    you_said = forms.CharField(
        label=_("What members said"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In plain words, as members will read it."),
        error_messages={"required": _("Please say what members said.")},
    )  # fmt: skip
    we_did = forms.CharField(
        label=_("What changed, or will change"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    made_by = forms.CharField(
        label=_("Who made it happen (optional)"), required=False, max_length=200,
        help_text=_("For example: the practice manager at Mill Lane."),
    )  # fmt: skip
    status = radios(_("How far it has got"), ServiceChange.Status.choices)
    why_not = forms.CharField(
        label=_("Why it was not possible"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when it was not possible: members will read it."),
    )  # fmt: skip
    proposed_on = forms.DateField(
        label=_("When members said it"), widget=date_input(), initial=timezone.localdate,
        error_messages={"required": NOT_A_DAY, "invalid": NOT_A_DAY},
    )  # fmt: skip
    done_on = forms.DateField(
        label=_("When it was done (optional)"), required=False, widget=date_input(),
        help_text=_("Leave empty for today, once it is done."),
        error_messages={"invalid": NOT_A_DAY},
    )  # fmt: skip

    def __init__(
        self, *args, sessions: list[tuple[int, str]], contributions: list[tuple[int, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        status.initial = ServiceChange.Status.PROPOSED
        status.error_messages["required"] = status.error_messages["invalid_choice"] = _(
            "Please choose how far it has got."
        )
        self.fields["sessions"] = _picked(_("Dates it came up at"), sessions)
        self.fields["contributions"] = _picked(
            _("What members said that it came from"),
            contributions,
            _("Members see each one only as its member chose."),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == ServiceChange.Status.NOT_POSSIBLE
            and not cleaned.get("why_not", "").strip()
            and "why_not" not in self.errors
        ):
            self.add_error(
                "why_not", _("Please say why it was not possible: members will read it.")
            )
        return cleaned
