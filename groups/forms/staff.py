"""Forms for the staff pages: inviting a member, training records, agreement drafts."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy

from groups.forms.fields import clean_phone
from groups.models import AgreementComment, AgreementVersion, CoproGroup, Membership, Training


class SupportWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class InviteForm(forms.Form):
    """Who the link is for, and how it will reach her. Every field can be left empty
    except that someone with no contact details needs a support worker to pass it on."""

    email = forms.EmailField(
        label=gettext_lazy("Her email address (optional)"),
        required=False,
        help_text=gettext_lazy("Only if she has said email is a safe way to reach her."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Her phone number (optional)"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("Only if she has said texts or calls to this number are safe."),
    )
    no_contact_details = forms.BooleanField(
        label=gettext_lazy("No contact details: she will be reached through her support worker"),
        required=False,
    )
    support_worker = SupportWorkerChoiceField(
        label=gettext_lazy("Her support worker"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="No support worker",
        help_text="Needed if she has no contact details. Only support workers of this group "
        "are listed.",
    )

    def __init__(self, *args, group: CoproGroup, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["support_worker"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__group=group,
                memberships__role=Membership.Role.SUPPORT_WORKER,
                memberships__status__in=[Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK],
            )
            .distinct()
            .order_by("first_name", "last_name", "pk")
        )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict:
        cleaned = super().clean()
        email = cleaned.get("email")
        phone = cleaned.get("phone")
        none_given = cleaned.get("no_contact_details")
        if self.errors:
            return cleaned
        if none_given:
            if email or phone:
                self.add_error(
                    "no_contact_details",
                    "You ticked that she has no contact details, but gave an email or phone "
                    "number. Clear them, or untick this box.",
                )
            if not cleaned.get("support_worker"):
                self.add_error(
                    "support_worker",
                    "Choose her support worker: the link reaches her through them.",
                )
        elif not email and not phone:
            raise forms.ValidationError(
                "Give her email address or phone number, or tick that she has no contact "
                "details and choose her support worker."
            )
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TrainingForm(forms.Form):
    """One completed course."""

    kind = forms.ChoiceField(label=gettext_lazy("Training"), choices=Training.Kind.choices)
    completed_on = forms.DateField(label=gettext_lazy("Date completed"), widget=DateInput())
    expires_on = forms.DateField(
        label=gettext_lazy("Expiry date (optional)"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Leave empty if it does not expire."),
    )
    provider = forms.CharField(
        label=gettext_lazy("Who provided it (optional)"), required=False, max_length=120
    )

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        return completed_on

    def clean(self) -> dict:
        cleaned = super().clean()
        completed_on = cleaned.get("completed_on")
        expires_on = cleaned.get("expires_on")
        if completed_on and expires_on and expires_on <= completed_on:
            self.add_error("expires_on", "The expiry date must be after the date it was completed.")
        return cleaned


class AgreementDraftForm(forms.Form):
    """The text of a draft of the group agreement."""

    text = forms.CharField(
        label=gettext_lazy("Agreement text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text=gettext_lazy("Write it with the members, in plain words."),
        error_messages={"required": "Write the agreement text first."},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the agreement text first.")
        return text


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"Version {obj.number} ({obj.get_status_display().lower()})"


class ProposalAnswerForm(forms.Form):
    """The group's answer to a member's proposed change, as she will read it."""

    answer = forms.ChoiceField(
        label=gettext_lazy("The group's answer"),
        choices=[
            (AgreementComment.Answer.TAKEN, "Yes: it is taken into a version"),
            (AgreementComment.Answer.NOT_NOW, "Not this time"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer."},
    )
    taken_into = VersionChoiceField(
        label=gettext_lazy("The version it is taken into"),
        queryset=AgreementVersion.objects.none(),
        required=False,
        empty_label="Choose a version",
        help_text=gettext_lazy("Only if the answer is yes."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why, in plain words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "Needed if the answer is not this time. She reads this on her agreement page."
        ),
    )

    def __init__(self, *args, comment: AgreementComment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taken_into"].queryset = AgreementVersion.objects.filter(
            group_id=comment.version.group_id, number__gte=comment.version.number
        ).order_by("number")
