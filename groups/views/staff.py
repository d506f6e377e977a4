"""Staff pages: the groups she works in, their members, training and the group agreement.

Every view starts with the access helpers of `groups.permissions`: members get 403,
someone outside the group 404, a role too low 403. Each page costs a fixed number of
queries however many members, records or comments there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coproduction import crypto
from coproduction.accounts import services as account_services
from coproduction.audit.services import audit_record
from coproduction.core import dates
from groups import services
from groups.access import StaffAccess, staff_view
from groups.diff import ADDED, REMOVED, agreement_changes
from groups.forms.staff import AgreementDraftForm, InviteForm, ProposalAnswerForm, TrainingForm
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    SafeContactProfile,
    SupportPlan,
    Training,
    preferred_name,
)
from groups.permissions import (
    get_group_for_user,
    get_member_for_staff,
    get_staff_group,
    require_staff,
)
from groups.summaries import (
    ROLE_ORDER,
    agreement_text,
    contact_summary,
    member_card,
    needs_confirming,
    staff_name,
    status_text,
    training_warning,
)


def _with_answer(members, version: AgreementVersion | None):
    """Annotate each membership with her answer to `version` (None: not answered)."""
    if version is None:
        return members.annotate(agreement_answer=Value(None, output_field=BooleanField()))
    answer = AgreementResponse.objects.filter(version=version, member=OuterRef("user_id"))
    return members.annotate(agreement_answer=Subquery(answer.values("agrees")[:1]))


def _posted(request: HttpRequest):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _strongest(roles) -> str:
    return min(roles, key=lambda role: ROLE_ORDER.get(role, 9))


# --- home ------------------------------------------------------------------------


@dataclass
class GroupSummary:
    group: CoproGroup
    role: str
    active: int = 0
    stepped_back: int = 0
    to_confirm: int = 0
    not_answered: int = 0
    has_agreement: bool = False
    facilitators_not_ready: int = 0

    @property
    def is_facilitator(self) -> bool:
        return self.role == Membership.Role.FACILITATOR

    @property
    def follow_ups(self) -> list[str]:
        """What needs doing, in plain words; empty when nothing does."""
        items = []
        if self.to_confirm:
            items.append(f"Safe-contact details to confirm: {_count(self.to_confirm, 'member')}.")
        if self.has_agreement and self.not_answered:
            items.append(
                "Not yet answered the current group agreement: "
                f"{_count(self.not_answered, 'member')}."
            )
        if not self.has_agreement and self.is_facilitator:
            items.append("No group agreement is published yet.")
        if self.facilitators_not_ready:
            items.append(
                f"Training not current: {_count(self.facilitators_not_ready, 'facilitator')}."
            )
        return items


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The groups she works in, who needs follow-up, and whether her training is current."""
    require_staff(request.user)
    roles: dict[int, set[str]] = defaultdict(set)
    groups: dict[int, CoproGroup] = {}
    published_groups: set[int] = set()
    for membership in (
        Membership.objects.current()
        .staff()
        .filter(user=request.user)
        .select_related("group")
        .annotate(
            has_agreement=Exists(
                AgreementVersion.objects.filter(
                    group=OuterRef("group_id"), status=AgreementVersion.Status.PUBLISHED
                )
            )
        )
        .order_by("group__name", "group_id")
    ):
        roles[membership.group_id].add(membership.role)
        groups[membership.group_id] = membership.group
        if membership.has_agreement:
            published_groups.add(membership.group_id)
    summaries = {
        pk: GroupSummary(
            group=group, role=_strongest(roles[pk]), has_agreement=pk in published_groups
        )
        for pk, group in groups.items()
    }

    current_version = AgreementVersion.objects.filter(
        group=OuterRef("group_id"), status=AgreementVersion.Status.PUBLISHED
    ).order_by("-number")
    members = (
        Membership.objects.current()
        .members()
        .filter(group_id__in=summaries)
        .annotate(current_version_id=Subquery(current_version.values("pk")[:1]))
        .annotate(
            answered=Exists(
                AgreementResponse.objects.filter(
                    member=OuterRef("user_id"), version_id=OuterRef("current_version_id")
                )
            )
        )
        .values_list(
            "group_id",
            "status",
            "support_worker_id",
            "current_version_id",
            "answered",
            "user__safe_contact__confirmed_at",
            "user__safe_contact__confirm_every_days",
        )
    )
    for group_id, status, worker_id, version_id, answered, confirmed_at, every in members:
        summary = summaries[group_id]
        if not summary.is_facilitator and worker_id != request.user.pk:
            continue  # a support worker follows up only the members she supports
        if status == Membership.Status.STEPPED_BACK:
            # Nothing goes to her while she is away, so nothing is chased either.
            summary.stepped_back += 1
            continue
        summary.active += 1
        if needs_confirming(confirmed_at, every):
            summary.to_confirm += 1
        if version_id is not None and not answered:
            summary.not_answered += 1

    facilitators = list(
        Membership.objects.current()
        .filter(group_id__in=summaries, role=Membership.Role.FACILITATOR)
        .values_list("group_id", "user_id")
    )
    missing = Training.objects.missing_for({request.user.pk} | {pk for _, pk in facilitators})
    for group_id, user_id in facilitators:
        if missing[user_id]:
            summaries[group_id].facilitators_not_ready += 1
    labels = dict(Training.Kind.choices)
    return render(
        request,
        "groups/staff/home.html",
        {
            "summaries": list(summaries.values()),
            "my_missing": [
                labels[k] for k in Training.Kind.values if k in missing[request.user.pk]
            ],
        },
    )


# --- the roster --------------------------------------------------------------------


@dataclass
class MemberRow:
    membership: Membership
    name: str
    status: str
    contact: str
    contact_to_confirm: bool
    support_worker: str
    agreement: str
    access_needs: list[str]


@dataclass
class StaffRow:
    membership: Membership
    name: str
    role: str
    warning: str = ""


@require_safe
@login_required
def roster(request: HttpRequest, group_id: int) -> HttpResponse:
    """Who is in the group, how to reach each member safely, and who facilitates."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    current = group.agreements.current()
    members = (
        group.memberships.members()
        .exclude(status=Membership.Status.INVITED)
        .select_related("user__profile", "user__safe_contact", "support_worker")
        .annotate(
            has_left=Case(
                When(status=Membership.Status.LEFT, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("has_left", "user__profile__preferred_name", "user__first_name", "pk")
    )
    if role == Membership.Role.SUPPORT_WORKER:
        members = members.filter(support_worker=request.user)
    members = list(_with_answer(members, current))
    # Her access needs may hold encrypted text: one query for every member's key.
    crypto.warm_data_keys(m.user_id for m in members)
    rows = []
    for membership in members:
        user = membership.user
        profile = getattr(user, "profile", None)
        safe_contact = getattr(user, "safe_contact", None)
        has_left = membership.status == Membership.Status.LEFT
        rows.append(
            MemberRow(
                membership=membership,
                name=preferred_name(user),
                status=status_text(membership),
                contact="Not to be contacted: she has left the group"
                if has_left
                else contact_summary(safe_contact),
                contact_to_confirm=not has_left
                and safe_contact is not None
                and safe_contact.needs_confirming,
                support_worker=staff_name(membership.support_worker)
                if membership.support_worker
                else "",
                agreement=agreement_text(membership.agreement_answer, current),
                access_needs=profile.get_access_needs_display() if profile else [],
            )
        )
    staff = sorted(
        group.memberships.current().staff().select_related("user"),
        key=lambda m: (ROLE_ORDER[m.role], staff_name(m.user), m.pk),
    )
    facilitator_ids = [m.user_id for m in staff if m.role == Membership.Role.FACILITATOR]
    missing = Training.objects.missing_for(facilitator_ids)
    staff_rows = [
        StaffRow(
            membership=m,
            name=staff_name(m.user),
            role=m.get_role_display(),
            warning=training_warning(missing[m.user_id], group)
            if m.role == Membership.Role.FACILITATOR
            else "",
        )
        for m in staff
    ]
    return render(
        request,
        "groups/staff/roster.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "rows": rows,
            "staff_rows": staff_rows,
            "current": current,
            "active_page": "roster",
        },
    )


# --- one member ----------------------------------------------------------------------


@require_safe
@login_required
def member_detail(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    """One member: what she chose to tell the group, how to reach her safely, her supports."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    membership = get_member_for_staff(request.user, group, role, membership_id)
    member = membership.user
    safe_contact = SafeContactProfile.objects.filter(member=member).first()
    contacts = list(member.support_contacts.select_related("staff_user"))
    current = group.agreements.current()
    response = (
        AgreementResponse.objects.filter(version=current, member=member).first()
        if current is not None
        else None
    )
    plan_shared = SupportPlan.objects.filter(member=member, readers=request.user).exists()
    # Her phone number and email address are on this page: record who looked.
    audit_record(actor=request.user, action="member.view", subject=membership, subject_user=member)
    return render(
        request,
        "groups/staff/member_detail.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "membership": membership,
            "member": member,
            "name": preferred_name(member),
            "card": member_card(
                membership,
                safe_contact=safe_contact,
                contacts=contacts,
                current=current,
                response=response,
            ),
            "has_left": membership.status == Membership.Status.LEFT,
            "to_confirm": safe_contact is not None and safe_contact.needs_confirming,
            "plan_shared": plan_shared,
            "active_page": "roster",
        },
    )


@require_safe
@staff_view
def member_support_plan(
    request: HttpRequest, access: StaffAccess, membership_id: int
) -> HttpResponse:
    """Her support plan, only if she shared it with this viewer; every read is audited."""
    membership = access.member(membership_id)
    plan = SupportPlan.objects.select_related("member").filter(member=membership.user).first()
    if plan is None:
        raise Http404("No support plan")
    try:
        services.support_plan_read(plan=plan, viewer=request.user)
    except ValidationError:
        raise PermissionDenied(gettext("She has not shared her support plan with you.")) from None
    return render(
        request,
        "groups/staff/member_support_plan.html",
        access.context(
            "roster",
            membership=membership,
            name=preferred_name(membership.user),
            plan=plan,
        ),
    )


@require_POST
@login_required
def member_password_link(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    """Make a single-use link for a member to choose a new password; shown once, never sent."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    membership = get_member_for_staff(request.user, group, role, membership_id)
    if membership.status == Membership.Status.LEFT:
        raise PermissionDenied(gettext("She has left the group."))
    try:
        link, token = account_services.password_link_create(
            member=membership.user, acting_user=request.user
        )
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from None
    # Rendered, not redirected: the token is kept nowhere, so this response is the only
    # place the link ever appears.
    return render(
        request,
        "groups/staff/password_link_done.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "membership": membership,
            "name": preferred_name(membership.user),
            "username": membership.user.username,
            "link": request.build_absolute_uri(reverse("accounts:new_password", args=[token])),
            "expires_at": link.expires_at,
            "hours": account_services.PASSWORD_LINK_HOURS,
            "active_page": "roster",
        },
    )


# --- inviting --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def invite(request: HttpRequest, group_id: int) -> HttpResponse:
    """Make a single-use link for someone to join; the link is shown once and never sent."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    form = InviteForm(_posted(request), group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = services.invitation_create(
                group=group,
                acting_user=request.user,
                email=data["email"],
                phone=data["phone"],
                support_worker=data["support_worker"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered, not redirected: the token is never kept anywhere, not even in
            # the session, so this response is the only place the link ever appears.
            return render(
                request,
                "groups/staff/invite_done.html",
                {
                    "group": group,
                    "role": role,
                    "can_manage": True,
                    "invitation": invitation,
                    "link": request.build_absolute_uri(reverse("groups:join", args=[token])),
                    "support_worker": staff_name(invitation.support_worker)
                    if invitation.support_worker
                    else "",
                    "days": services.INVITATION_DAYS,
                    "active_page": "invite",
                },
            )
    return render(
        request,
        "groups/staff/invite.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "form": form,
            "days": services.INVITATION_DAYS,
            "active_page": "invite",
        },
    )


# --- training ----------------------------------------------------------------------------


@dataclass
class TrainingCell:
    label: str
    record: Training | None = None
    current: bool = False

    @property
    def text(self) -> str:
        if self.record is None:
            return "No record"
        if self.current:
            if self.record.expires_on is None:
                return "Current, does not expire"
            return f"Current until {dates.day(self.record.expires_on, short=True)}"
        if self.record.expires_on is None or self.record.expires_on >= timezone.localdate():
            # Entered with a completion date still to come (possible only in the admin).
            return f"Not yet: completes {dates.day(self.record.completed_on, short=True)}"
        return f"Expired {dates.day(self.record.expires_on, short=True)}"


@dataclass
class TrainingRow:
    name: str
    roles: list[str]
    is_facilitator: bool
    cells: list[TrainingCell] = field(default_factory=list)
    warning: str = ""


def _best_records(records, today: dt.date) -> dict[tuple[int, str], tuple[Training, bool]]:
    """For each person and kind, the record that counts: the current one lasting longest,
    or else the one that expired most recently."""
    best: dict[tuple[int, str], tuple[Training, bool]] = {}
    for record in records:
        key = (record.person_id, record.kind)
        current = record.is_current(today)
        rank = (current, record.expires_on or dt.date.max, record.completed_on)
        if key not in best:
            best[key] = (record, current)
            continue
        held, held_current = best[key]
        if rank > (held_current, held.expires_on or dt.date.max, held.completed_on):
            best[key] = (record, current)
    return best


@require_safe
@login_required
def group_training(request: HttpRequest, group_id: int) -> HttpResponse:
    """Every facilitator's and support worker's training, kind by kind, with its expiry."""
    require_staff(request.user)
    group, role = get_staff_group(request.user, group_id)
    today = timezone.localdate()
    people: dict[int, TrainingRow] = {}
    order: dict[int, tuple] = {}
    for membership in group.memberships.current().staff().select_related("user"):
        user = membership.user
        row = people.setdefault(
            user.pk, TrainingRow(name=staff_name(user), roles=[], is_facilitator=False)
        )
        row.roles.append(membership.get_role_display())
        row.is_facilitator = row.is_facilitator or membership.role == Membership.Role.FACILITATOR
        order[user.pk] = min(
            order.get(user.pk, (9,)), (ROLE_ORDER[membership.role], row.name, user.pk)
        )
    best = _best_records(Training.objects.filter(person_id__in=people), today)
    kinds = Training.Kind.choices
    for pk, row in people.items():
        for kind, label in kinds:
            record, current = best.get((pk, kind), (None, False))
            row.cells.append(TrainingCell(label=label, record=record, current=current))
        if row.is_facilitator:
            missing = {
                kind for (kind, _), cell in zip(kinds, row.cells, strict=True) if not cell.current
            }
            row.warning = training_warning(missing, group)
    rows = [people[pk] for pk in sorted(people, key=order.__getitem__)]
    return render(
        request,
        "groups/staff/group_training.html",
        {
            "group": group,
            "role": role,
            "can_manage": role == Membership.Role.FACILITATOR,
            "rows": rows,
            "kinds": [label for _, label in kinds],
            "blocks": group.training_policy == CoproGroup.TrainingPolicy.BLOCK,
            "active_page": "training",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    """Her own training records, and a form to add one."""
    require_staff(request.user)
    form = TrainingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already = Training.objects.filter(
            person=request.user, kind=data["kind"], completed_on=data["completed_on"]
        ).exists()
        try:
            services.training_record(
                person=request.user,
                acting_user=request.user,
                kind=data["kind"],
                completed_on=data["completed_on"],
                expires_on=data["expires_on"],
                provider=data["provider"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if already:
                messages.info(request, gettext("That training was already recorded."))
            else:
                messages.success(request, gettext("Training recorded."))
            return redirect("groups:my_training")
    today = timezone.localdate()
    records = list(request.user.training_records.all())
    best = _best_records(records, today)
    missing = [
        label
        for kind, label in Training.Kind.choices
        if not best.get((request.user.pk, kind), (None, False))[1]
    ]
    return render(
        request,
        "groups/staff/my_training.html",
        {
            "form": form,
            "records": [(record, record.is_current(today)) for record in records],
            "missing": missing,
        },
    )


# --- the group agreement ----------------------------------------------------------------


def _comments() -> Prefetch:
    return Prefetch(
        "comments",
        queryset=AgreementComment.objects.select_related("author__profile", "taken_into"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_drafts(request: HttpRequest, group_id: int) -> HttpResponse:
    """Every version of the agreement, members' answers and comments, and a new draft."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    current = group.agreements.current()
    form = AgreementDraftForm(_posted(request), initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.agreement_draft_save(
                group=group, acting_user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft version {version.number} saved.")
            return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
    current_members = group.memberships.current().members().values("user_id")
    versions = list(
        group.agreements.annotate(
            agreed=Count(
                "responses",
                filter=Q(responses__agrees=True, responses__member__in=current_members),
            ),
            disagreed=Count(
                "responses",
                filter=Q(responses__agrees=False, responses__member__in=current_members),
            ),
        )
        .select_related("created_by")
        .prefetch_related(_comments())
        .order_by("-number")
    )
    crypto.warm_data_keys(c.author_id for v in versions for c in v.comments.all())
    member_count = group.memberships.current().members().count()
    for version in versions:
        version.not_answered = member_count - version.agreed - version.disagreed
    return render(
        request,
        "groups/staff/agreement_drafts.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "versions": versions,
            "current": current,
            "member_count": member_count,
            "form": form,
            "active_page": "agreement",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_edit(request: HttpRequest, group_id: int, version_id: int) -> HttpResponse:
    """Edit a draft of the agreement; a published version is shown read-only."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    try:
        version = group.agreements.prefetch_related(_comments()).get(pk=version_id)
    except AgreementVersion.DoesNotExist:
        raise Http404("No such version") from None
    crypto.warm_data_keys(c.author_id for c in version.comments.all())
    is_draft = version.status == AgreementVersion.Status.DRAFT
    form = AgreementDraftForm(_posted(request), initial={"text": version.text})
    if request.method == "POST":
        if not is_draft:
            messages.error(
                request, gettext("A published agreement cannot be changed; start a new draft.")
            )
            return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
        if form.is_valid():
            try:
                services.agreement_draft_save(
                    group=group,
                    acting_user=request.user,
                    text=form.cleaned_data["text"],
                    version=version,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Draft version {version.number} saved.")
                return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
    return render(
        request,
        "groups/staff/agreement_edit.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "version": version,
            "is_draft": is_draft,
            "form": form if is_draft else None,
            "active_page": "agreement",
        },
    )


def _agreement_version(group: CoproGroup, version_id: int) -> AgreementVersion:
    try:
        return group.agreements.get(pk=version_id)
    except AgreementVersion.DoesNotExist:
        raise Http404("No such version") from None


@require_http_methods(["GET", "POST"])
@login_required
def agreement_publish(request: HttpRequest, group_id: int, version_id: int) -> HttpResponse:
    """Publish a draft after seeing what changed from the current version: the page asks
    to confirm, the POST publishes (members will be asked to read and agree). Twice is once."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    version = _agreement_version(group, version_id)
    if request.method == "POST":
        if version.status != AgreementVersion.Status.DRAFT:
            messages.info(request, f"Version {version.number} is already published.")
            return redirect("groups:agreement_drafts", group_id=group.pk)
        try:
            services.agreement_publish(version=version, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
        messages.success(request, gettext("Published. Members will be asked to read and agree."))
        return redirect("groups:agreement_drafts", group_id=group.pk)
    if version.status != AgreementVersion.Status.DRAFT:
        messages.info(request, f"Version {version.number} is already published.")
        return redirect("groups:agreement_edit", group_id=group.pk, version_id=version.pk)
    current = group.agreements.current()
    changes = agreement_changes(current.text if current else "", version.text)
    return render(
        request,
        "groups/staff/agreement_publish.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "version": version,
            "current": current,
            "too_old": current is not None and current.number > version.number,
            "changes": changes,
            "added": sum(line.change == ADDED for line in changes),
            "removed": sum(line.change == REMOVED for line in changes),
            "member_count": group.memberships.current().members().count(),
            "active_page": "agreement",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement_proposal_answer(request: HttpRequest, group_id: int, comment_id: int) -> HttpResponse:
    """Answer a member's proposed change: taken into version N, or not this time and why."""
    require_staff(request.user)
    group, role = get_group_for_user(request.user, group_id, manage=True)
    try:
        comment = AgreementComment.objects.select_related(
            "version", "author__profile", "taken_into"
        ).get(pk=comment_id, version__group=group, kind=AgreementComment.Kind.PROPOSAL)
    except AgreementComment.DoesNotExist:
        raise Http404("No such proposal") from None
    initial = {
        "answer": comment.answer or None,
        "taken_into": comment.taken_into_id,
        "reason": comment.answer_reason,
    }
    form = ProposalAnswerForm(_posted(request), comment=comment, initial=initial)
    name = preferred_name(comment.author)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_proposal_answer(
                comment=comment,
                acting_user=request.user,
                answer=data["answer"],
                taken_into=data["taken_into"],
                reason=data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.error_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, f"Answer saved. {name} will see it on her agreement page.")
            return redirect("groups:agreement_drafts", group_id=group.pk)
    return render(
        request,
        "groups/staff/agreement_proposal_answer.html",
        {
            "group": group,
            "role": role,
            "can_manage": True,
            "comment": comment,
            "name": name,
            "form": form,
            "active_page": "agreement",
        },
    )
