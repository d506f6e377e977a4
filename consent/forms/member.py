"""Forms for her consent, her contributions and her data, in the member portal.

Every choice starts at its most private answer: nothing is pre-ticked but "Only me".
Short, plain words; each field says what it changes.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms.fields import once_field
from consent.models import Answer, Contribution, Visibility

# Who sees a contribution, in her words. Mirrors `policy.SEEN_BY`: anything the group
# sees, the facilitators see too, and "in reports" is always on top of the group.
VISIBILITY_LABELS = {
    Visibility.ONLY_ME: _("Only me"),
    Visibility.FACILITATORS: _("The facilitators"),
    Visibility.GROUP: _("The facilitators and the group"),
    Visibility.ANONYMISED: _("The group, and in reports without my name"),
    Visibility.CREDITED: _("The group, and in reports with my name"),
}
VISIBILITY_CHOICES = [(value, VISIBILITY_LABELS[value]) for value in Visibility.values]
VISIBILITY_HELP = _("You can change this at any time.")


class AnswerForm(forms.Form):
    """One tap on a purpose: yes, no, or ask me each time."""

    answer = forms.ChoiceField(choices=Answer.choices)


class ContributionForm(forms.Form):
    """Keep an idea, something she said, or a comment. The group is asked only when she
    is in more than one; otherwise it is her one group."""

    once = once_field()
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=Contribution.Kind.choices,
        widget=forms.RadioSelect,
        initial=Contribution.Kind.IDEA,
    )
    text = forms.CharField(
        label=_("Your words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write it the way you want it kept."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it?"),
        choices=VISIBILITY_CHOICES,
        widget=forms.RadioSelect,
        initial=Visibility.ONLY_ME,
        help_text=VISIBILITY_HELP,
    )
    group = forms.ChoiceField(label=_("Which group is it for?"), widget=forms.RadioSelect)

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Her current groups, already loaded for the page: no query to offer them.
        self.groups = {str(group.pk): group for group in groups}
        if len(self.groups) > 1:
            self.fields["group"].choices = [
                (pk, group.member_facing_name) for pk, group in self.groups.items()
            ]
        else:
            del self.fields["group"]

    def clean_group(self):
        return self.groups[self.cleaned_data["group"]]

    def clean(self) -> dict:
        data = super().clean()
        if "group" not in self.fields:
            if not self.groups:
                raise forms.ValidationError(
                    _("You are not in a group at the moment, so there is nowhere to keep it.")
                )
            data["group"] = next(iter(self.groups.values()))
        return data


class VisibilityForm(forms.Form):
    """Who may see one of her contributions."""

    visibility = forms.ChoiceField(
        label=_("Who may see it?"),
        choices=VISIBILITY_CHOICES,
        widget=forms.RadioSelect,
        help_text=VISIBILITY_HELP,
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase my information and close my account"),
        help_text=_("Tick this to ask. You can change your mind until it happens."),
        error_messages={"required": _("Tick the box to say you want this.")},
    )
