"""Forms for the staff consent pages: an answer she gave in person, something she said,
and confirming a request to erase her data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms.fields import once_field
from consent.models import Answer, ConsentEvent, Contribution

# What a facilitator may record for her: never "in the portal", which only she can use.
ON_BEHALF_METHODS = [
    (value, label)
    for value, label in ConsentEvent.Method.choices
    if value != ConsentEvent.Method.PORTAL
]
# The kinds as staff read them (the member-facing labels speak in her voice).
STAFF_KINDS = [
    (Contribution.Kind.IDEA, _("An idea")),
    (Contribution.Kind.QUOTE, _("Something she said")),
    (Contribution.Kind.COMMENT, _("A comment")),
]


def _required_text(value: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise forms.ValidationError(message)
    return value


class AnswerOnHerBehalfForm(forms.Form):
    """An answer she gave a facilitator in person, on paper or by phone."""

    purpose = forms.ChoiceField(
        label=_("What she answered"),
        error_messages={"required": _("Choose the question she answered.")},
    )
    answer = forms.ChoiceField(
        label=_("Her answer"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose her answer.")},
    )
    method = forms.ChoiceField(
        label=_("How she gave it"),
        choices=ON_BEHALF_METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how she gave her answer.")},
    )
    how_she_told_us = forms.CharField(
        label=_("How she told you"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "When and how she told you, e.g. “At the session on 3 March, when I asked "
            "her.” Nothing about why. It is kept with her answer: write it so she could read it."
        ),
        error_messages={"required": _("Say how she told you.")},
    )

    def __init__(self, *args, purposes, **kwargs) -> None:
        """`purposes`: the active purposes, each with its wording as `versions[0]`."""
        super().__init__(*args, **kwargs)
        self.purposes = {purpose.slug: purpose for purpose in purposes}
        self.fields["purpose"].choices = [("", _("Choose a question"))] + [
            (purpose.slug, purpose.versions[0].question) for purpose in purposes
        ]

    def clean_purpose(self):
        return self.purposes[self.cleaned_data["purpose"]]

    def clean_how_she_told_us(self) -> str:
        return _required_text(self.cleaned_data["how_she_told_us"], _("Say how she told you."))


class ContributionForm(forms.Form):
    """An idea, quote or comment she gave, written down with her agreement."""

    once = once_field()
    kind = forms.ChoiceField(
        label=_("What it is"),
        choices=STAFF_KINDS,
        initial=Contribution.Kind.IDEA,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What she said"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Her words, as she agreed them with you."),
        error_messages={"required": _("Write down what she said first.")},
    )
    she_agreed = forms.BooleanField(
        label=_("She agreed that I write this down"),
        error_messages={"required": _("Write it down only if she agreed: tick the box to say so.")},
    )

    def clean_text(self) -> str:
        return _required_text(self.cleaned_data["text"], _("Write down what she said first."))


class ErasureConfirmForm(forms.Form):
    """Confirming her request, with anything the law says must be kept."""

    kept_for_legal_reasons = forms.CharField(
        label=_(
            "Anything that must be kept for a legal reason (e.g. a safeguarding record). "
            "She will see this."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. Describe the record, never what it says and never her name. "
            "With nothing written here her data is erased now; with something, on the date "
            "above, so that she can read it first."
        ),
    )
