"""Session notes: the facilitators write them and place what members said in them; a
second facilitator or a members' representative checks them; members read them. Who
sees each contribution is asked of `consent.policy` on every page, so a change she
makes shows at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from consent import policy, summaries
from consent.models import Contribution, Visibility
from coproduction import crypto
from coproduction.audit.services import audit_record
from coproduction.core.http import GET_POST, posted, show_refusal
from groups.access import StaffAccess, staff_view
from groups.models import Membership, preferred_name
from groups.summaries import staff_name
from groups.views.member.portal import member_view
from sessions_app import member_pages, staff_pages
from sessions_app.models import GroupSession, SessionNote
from sessions_app.notes_forms import NoteForm
from sessions_app.services import notes as service
from sessions_app.session_access import session_of_group, sessions_of_member

NOTES_PER_PAGE = 20
MEMBER_NOTES_PER_PAGE = 10

# --- what each reader sees of a contribution ---------------------------------------------


def placeable_contributions(group) -> list[Contribution]:
    """What a facilitator may place in a note or a change (`placeable_in`), newest first."""
    return list(
        service.placeable_in(group).select_related("member__profile").order_by("-created_at", "-pk")
    )


def staff_rows(contributions: Iterable[Contribution]) -> list[summaries.ContributionRow]:
    """Each contribution as the staff pages show it: her name, what kind, its words, who
    sees it and how it may appear in reports (`consent.summaries`)."""
    contributions = list(contributions)
    member_ids = {c.member_id for c in contributions}
    table = policy.answers(member_ids)
    crypto.warm_data_keys(member_ids)
    return summaries.contribution_rows(contributions, table)


def staff_label(row: summaries.ContributionRow) -> str:
    """One contribution as a line to tick: who, what, her choice and who sees it."""
    return _("%(name)s, %(kind)s: “%(text)s” She chose: %(choice)s. Who sees it: %(seen_by)s.") % {
        "name": row.name,
        "kind": row.kind.lower(),
        "text": row.contribution.text,
        "choice": row.contribution.get_visibility_display(),
        "seen_by": row.seen_by,
    }


def contribution_choices(group, placed: list[Contribution]):
    """The contributions a facilitator may tick for a note or a change of `group`, as
    (id, label), and those already placed that she may not see, kept as they are.
    Placed ones stay tickable (to untick) while she sees them."""
    candidates = placeable_contributions(group)
    ids = {c.pk for c in candidates}
    visible_placed = [c for c in placed if policy.seen_by(c, policy.FACILITATORS)]
    candidates += [c for c in visible_placed if c.pk not in ids]
    hidden = [c for c in placed if not policy.seen_by(c, policy.FACILITATORS)]
    rows = staff_rows(candidates)
    return (
        [(row.contribution.pk, staff_label(row)) for row in rows],
        {c.pk: c for c in candidates},
        hidden,
    )


def named_in_group(contribution: Contribution, member_answers: dict[str, str]) -> bool:
    """Whether other members read her name with it: when she shared it with the group
    (which knows her by name), or chose credit and agreed to be named; never when she
    asked for it without her name."""
    if contribution.visibility == Visibility.GROUP:
        return True
    return policy.in_outputs(contribution, member_answers) == "credited"


def member_rows(contributions: Iterable[Contribution], *, viewer_id: int | None) -> list[dict]:
    """What a member of the group reads of `contributions`: those the policy lets the
    group see, and her own whoever they are shared with; each with its member's name
    only where she allowed it. `viewer_id` None: as any member of the group reads them.
    Contributions must come with `member__profile`; call `warm` first for many."""
    rows = []
    for contribution in contributions:
        mine = contribution.member_id == viewer_id
        if not mine and not policy.seen_by(contribution, policy.GROUP):
            continue
        rows.append({"contribution": contribution, "mine": mine})
    table = policy.answers({row["contribution"].member_id for row in rows if not row["mine"]})
    crypto.warm_data_keys(row["contribution"].member_id for row in rows)
    for row in rows:
        contribution = row["contribution"]
        row["text"] = contribution.text
        if row["mine"]:
            row["who"] = _("You said")
        elif named_in_group(contribution, table[contribution.member_id]):
            row["who"] = _("%(name)s said") % {"name": preferred_name(contribution.member)}
        else:
            row["who"] = _("A member said")
    return rows


# --- staff ----------------------------------------------------------------------------------


def _note_of(session: GroupSession) -> SessionNote | None:
    # Reverse one-to-one: no note raises, which `getattr` turns into None.
    return getattr(session, "note", None)


@require_safe
@staff_view
def session_notes(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """The group's dates that have begun, newest first, each with where its note stands
    and whether it is due to be shared. A fixed number of queries, however many dates."""
    now = timezone.now()
    sessions = (
        GroupSession.objects.filter(group=access.group, starts_at__lte=now)
        .exclude(status__in=[GroupSession.Status.DRAFT, GroupSession.Status.CANCELLED])
        .select_related("note__drafted_by", "note__approved_by")
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(sessions, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    due_before = now - service.NOTES_DUE_AFTER
    rows = []
    for session in page.object_list:
        note = _note_of(session)
        shared = note is not None and note.status == SessionNote.Status.SHARED
        rows.append(
            {
                "session": session,
                "when": staff_pages.session_when(session),
                "title": session.member_title,
                "status": note.get_status_display() if note else _("Not written yet"),
                "drafted_by": staff_name(note.drafted_by) if note and note.drafted_by else "",
                "approved_by": _approver(note) if shared else "",
                "due": not shared and session.ends_at <= due_before,
            }
        )
    return render(
        request,
        "sessions_app/staff/session_notes.html",
        access.context("notes", page=page, rows=rows),
    )


def _approver(note: SessionNote) -> str:
    if note.approved_by is None:
        return _("Someone no longer in Hearth")
    if note.approved_by.is_member:
        return _("A members' representative")
    return staff_name(note.approved_by)


def _placed(note: SessionNote | None) -> list[Contribution]:
    if note is None:
        return []
    return list(note.contributions.select_related("member__profile").order_by("created_at", "pk"))


@GET_POST
@staff_view
def session_note(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """One date's note: the facilitators write it and tick what members said to place
    in it, each shown with the choice its member made and who will see it; support
    workers read it, and only what members shared with them. Each look is recorded
    when the note holds members' contributions."""
    if request.method == "POST":
        access.require_manage()
    session = session_of_group(access, session_id)
    note = SessionNote.objects.filter(session=session).select_related("approved_by").first()
    placed = _placed(note)
    editable = access.can_manage and (note is None or note.status != SessionNote.Status.SHARED)
    form = None
    if editable:
        choices, by_id, hidden = contribution_choices(access.group, placed)
        form = NoteForm(
            posted(request),
            contributions=choices,
            initial={
                "text": note.text if note else "",
                "contributions": [c.pk for c in placed if c.pk in by_id],
            },
        )
        if form.is_valid():
            chosen = [by_id[pk] for pk in form.cleaned_data["contributions"]]
            try:
                service.note_save(
                    session=session,
                    acting_user=request.user,
                    text=form.cleaned_data["text"],
                    contributions=chosen + hidden,
                )
            except ValidationError as error:
                show_refusal(form, error, "text")
            else:
                messages.success(
                    request,
                    _("Saved as a draft. Send it to be checked when it is ready."),
                )
                return redirect("sessions_app:session_note", access.group.pk, session.pk)
    elif request.method == "POST":
        messages.info(request, _("This note is shared with members, so it can no longer change."))
        return redirect("sessions_app:session_note", access.group.pk, session.pk)
    audience = summaries.AUDIENCE_FOR_ROLE[access.role]
    seen = [c for c in placed if policy.seen_by(c, audience)]
    if placed:
        audit_record(actor=request.user, action="session_note.view", subject=note)
    return render(
        request,
        "sessions_app/staff/session_note.html",
        access.context(
            "notes",
            session=session,
            when=staff_pages.session_when(session),
            note=note,
            form=form,
            # Shown as a list only where there is no form to tick them in.
            placed_labels=[] if form else [staff_label(row) for row in staff_rows(seen)],
            not_shown=len(placed) - len(seen),
            members_see=member_rows(seen, viewer_id=None),
            can_submit=access.can_manage
            and note is not None
            and note.status == SessionNote.Status.DRAFT,
            can_approve=access.can_manage
            and note is not None
            and note.status == SessionNote.Status.TO_CHECK
            and service.may_approve(request.user, note),
            own_note=note is not None and note.drafted_by_id == request.user.pk,
            who_can_approve=service.WHO_CAN_APPROVE,
            approver=_approver(note) if note and note.status == SessionNote.Status.SHARED else "",
        ),
    )


def _staff_note(access: StaffAccess, session_id: int) -> SessionNote:
    session = session_of_group(access, session_id)
    return get_object_or_404(SessionNote.objects.select_related("session__group"), session=session)


@require_POST
@staff_view(manage=True)
def session_note_submit(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Send the draft to be checked by a second facilitator or a members' representative."""
    note = _staff_note(access, session_id)
    if service.note_submit(note=note, acting_user=request.user):
        messages.success(
            request,
            _(
                "Sent to be checked. Another facilitator, or a members' representative, can "
                "now check and share it."
            ),
        )
    else:
        messages.info(request, _("Nothing changed: it is not a draft any more."))
    return redirect("sessions_app:session_note", access.group.pk, session_id)


@require_POST
@staff_view(manage=True)
def session_note_approve(
    request: HttpRequest, access: StaffAccess, session_id: int
) -> HttpResponse:
    """Check the note and share it with the group's members."""
    note = _staff_note(access, session_id)
    try:
        shared = service.note_approve(note=note, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if shared:
            messages.success(request, _("Shared. Members can read it now."))
        else:
            messages.info(request, _("Nothing changed: it was already shared."))
    return redirect("sessions_app:session_note", access.group.pk, session_id)


# --- members --------------------------------------------------------------------------------


def _with_contributions(sessions):
    return sessions.select_related("note", "group").prefetch_related(
        Prefetch(
            "note__contributions",
            queryset=Contribution.objects.select_related("member__profile").order_by(
                "created_at", "pk"
            ),
        )
    )


def _note_rows(sessions, *, viewer_id: int | None) -> list[dict]:
    sessions = list(sessions)
    contributions = [c for s in sessions for c in s.note.contributions.all()]
    rows = member_rows(contributions, viewer_id=viewer_id)
    by_id = {row["contribution"].pk: row for row in rows}
    return [
        {
            "session": session,
            "title": session.member_title,
            "when": member_pages.her_when(session),
            "group": session.group.member_facing_name,
            "note": session.note,
            "said": [by_id[c.pk] for c in session.note.contributions.all() if c.pk in by_id],
        }
        for session in sessions
    ]


def _representing(member):
    """The groups she represents members in, as a subquery."""
    return Membership.objects.filter(
        user=member,
        role=Membership.Role.MEMBER,
        status=Membership.Status.ACTIVE,
        represents_members=True,
    ).values("group_id")


@member_view(require_safe)
def my_notes(request: HttpRequest) -> HttpResponse:
    """The shared notes of her groups' dates, newest first, each with what members said
    as the policy lets her read it, and her own words. For a members' representative,
    the notes waiting for her to check. A fixed number of queries, however many dates."""
    mine = sessions_of_member(request.user)
    shared = _with_contributions(
        mine.filter(note__status=SessionNote.Status.SHARED).order_by("-starts_at", "-pk")
    )
    page = Paginator(shared, MEMBER_NOTES_PER_PAGE).get_page(request.GET.get("page"))
    to_check = [
        {"session": s, "title": s.member_title, "when": member_pages.her_when(s)}
        for s in mine.filter(
            note__status=SessionNote.Status.TO_CHECK, group_id__in=_representing(request.user)
        ).order_by("-starts_at", "-pk")
    ]
    rows = _note_rows(page.object_list, viewer_id=request.user.pk)
    return render(
        request,
        "sessions_app/member/notes.html",
        {
            "page": page,
            "rows": rows,
            "to_check": to_check,
            "many_groups": len({row["group"] for row in rows}) > 1,
        },
    )


@member_view(require_safe)
def my_note(request: HttpRequest, session_id: int) -> HttpResponse:
    """One date's shared note, as the policy lets her read it."""
    session = get_object_or_404(
        _with_contributions(sessions_of_member(request.user)),
        pk=session_id,
        note__status=SessionNote.Status.SHARED,
    )
    return render(
        request,
        "sessions_app/member/note.html",
        {"row": _note_rows([session], viewer_id=request.user.pk)[0]},
    )


@member_view(GET_POST)
def my_note_check(request: HttpRequest, session_id: int) -> HttpResponse:
    """For a members' representative: the note as members will read it, and "it is
    fine to share"."""
    session = get_object_or_404(
        _with_contributions(sessions_of_member(request.user)),
        pk=session_id,
        note__status__in=[SessionNote.Status.TO_CHECK, SessionNote.Status.SHARED],
    )
    if not service.is_representative(request.user, session.group):
        raise PermissionDenied(_("Only a members' representative can check notes."))
    if request.method == "POST":
        try:
            shared = service.note_approve(note=session.note, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("sessions_app:my_note_check", session.pk)
        if shared:
            messages.success(request, _("Thank you. Members can read it now."))
        else:
            messages.info(request, _("It was already shared."))
        return redirect("sessions_app:my_note", session.pk)
    return render(
        request,
        "sessions_app/member/note_check.html",
        {"row": _note_rows([session], viewer_id=None)[0]},
    )
