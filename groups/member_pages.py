"""What the member portal's pages read: her own rows, and the starting values of her forms.

Everything is reached through her (`user`), so nothing here can show another person's data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from coproduction.audit.models import AuditEvent
from groups.models import (
    AgreementComment,
    AgreementVersion,
    CoproGroup,
    Membership,
    Profile,
    SafeContactProfile,
    SupportPlan,
)
from groups.permissions import get_own_membership

if TYPE_CHECKING:
    from groups.models import AgreementResponse

PROFILE_FIELDS = ("preferred_name", "pronouns", "access_needs", "access_needs_other")
SAFE_CONTACT_FIELDS = (
    "channels",
    "phone",
    "safe_days",
    "safe_from",
    "safe_until",
    "voicemail_ok",
    "sender_name",
    "may_mention_group",
    "reply_word",
    "time_zone",
    "wants_receipts",
)
PLAN_FIELDS = ("what_helps", "signs_to_notice", "please_do", "please_do_not")


def values_of(row, fields: tuple[str, ...]) -> dict:
    """A form's starting values, read from the row it edits."""
    return {name: getattr(row, name) for name in fields}


def current_membership(user, group_id: int) -> Membership:
    """Her membership of a group she is still in (stepped back or not); 404 otherwise."""
    membership = get_own_membership(user, group_id)
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK):
        raise Http404("No such group")
    return membership


def profile_initial(user) -> dict:
    """Her details as saved, or just the name she signed up with."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return {"preferred_name": user.first_name}
    return values_of(profile, PROFILE_FIELDS)


def safe_contact(user) -> tuple[SafeContactProfile | None, dict]:
    """Her saved safe-contact profile (None before she saved one) and the form's values,
    which are the model's defaults until she has."""
    saved = SafeContactProfile.objects.filter(member=user).first()
    return saved, values_of(saved or SafeContactProfile(member=user), SAFE_CONTACT_FIELDS)


def own_plan(user) -> SupportPlan | None:
    """Her plan with who can read it: two queries, however many readers."""
    readers = get_user_model().objects.order_by("first_name", "last_name", "pk")
    return (
        SupportPlan.objects.filter(member=user)
        .prefetch_related(Prefetch("readers", queryset=readers))
        .first()
    )


def plan_readers(plan: SupportPlan | None) -> list:
    """The people she lets read her plan (none before she wrote one)."""
    return list(plan.readers.all()) if plan is not None else []


def plan_initial(plan: SupportPlan | None) -> dict:
    """Her plan's words, for the form."""
    return values_of(plan, PLAN_FIELDS) if plan is not None else {}


def reader_names(readers) -> str:
    """The names of the people she picked, as she sees them listed."""
    return ", ".join(reader.get_full_name() or reader.username for reader in readers)


def plan_views(user) -> QuerySet[AuditEvent]:
    """Every time someone else looked at her plan, newest first."""
    return AuditEvent.objects.about(user).filter(action="support_plan.view").select_related("actor")


def break_initial(membership: Membership) -> dict:
    """Her break as it stands, for the form."""
    return {
        "until": membership.stepped_back_until,
        "keep_session_changes": membership.keep_session_changes_while_away,
    }


def agreement_answer(version: AgreementVersion | None, user) -> AgreementResponse | None:
    """Her answer to a version of the agreement, if she gave one."""
    if version is None:
        return None
    return version.responses.filter(member=user).first()


def agreement_drafts(group: CoproGroup) -> list[AgreementVersion]:
    """The versions the group is still working on, oldest first."""
    return list(group.agreements.filter(status=AgreementVersion.Status.DRAFT).order_by("number"))


def commentable_versions(group: CoproGroup) -> QuerySet[AgreementVersion]:
    """The versions she may comment on: every draft, and the agreement in force."""
    versions = group.agreements.filter(status=AgreementVersion.Status.DRAFT)
    current = group.agreements.current()
    if current is not None:
        versions = versions | group.agreements.filter(pk=current.pk)
    return versions


def own_agreement_comments(group: CoproGroup, user) -> QuerySet[AgreementComment]:
    """Every word she sent, on any version, with the group's answer, so a proposal is
    never lost from her sight once the draft it was about is published."""
    return (
        AgreementComment.objects.filter(version__group=group, author=user)
        .select_related("version", "taken_into")
        .order_by("-created_at", "-pk")
    )
