"""A group's overview for its facilitators: the next session and whether it is ready,
who needs following up, notes to share, and what changed in services lately."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coproduction.audit.services import audit_record
from coproduction.outbox.models import Message
from groups.access import StaffAccess, staff_view
from sessions_app import staff_pages
from sessions_app.models import (
    CheckIn,
    GroupSession,
    ServiceChange,
    SupportRequest,
)
from sessions_app.services.notes import sessions_with_notes_due
from sessions_app.services.sessions import readiness, training_labels

SHOWN = 5


def _next_session(access: StaffAccess, now: dt.datetime):
    return (
        GroupSession.objects.filter(group=access.group)
        .upcoming(now)
        .exclude(status=GroupSession.Status.CANCELLED)
        .select_related("group")
        .prefetch_related("facilitators")
        .annotate(items=Count("agenda"))
        .first()
    )


def _follow_up(access: StaffAccess) -> dict:
    members = access.members().values("user")
    return {
        "support": staff_pages.names_of(
            access, SupportRequest.objects.open().filter(member__in=members).values("member_id")
        ),
        "checkins": staff_pages.names_of(
            access,
            CheckIn.objects.open().filter(member__in=members).values("member_id"),
        ),
        "held": Message.objects.filter(
            recipient__in=members, status__in=[Message.Status.HELD, Message.Status.FAILED]
        ).count(),
    }


def _notes_to_share(access: StaffAccess, now: dt.datetime):
    """The newest of the group's held dates whose notes are due and not shared: the
    facilitators' reminders count the same (`sessions_with_notes_due`)."""
    return list(sessions_with_notes_due([access.group.pk], now=now).order_by("-starts_at")[:SHOWN])


@require_safe
@staff_view(manage=True)
def group_dashboard(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """What Helen needs on an evening: is the next session ready and its plan out, who
    is coming and what helps them take part, who needs following up, which notes wait
    to be shared. A fixed number of queries, however long the group's history."""
    now = timezone.now()
    session = _next_session(access, now)
    facilitators, agenda_due = [], None
    if session is not None:
        ready = readiness([session])[session.pk]
        facilitators = [
            {"name": staff_pages.staff_name(p), "missing": training_labels(ready[p.pk])}
            for p in session.facilitators.all()
        ]
        agenda_due = session.plan_due_at
    follow_up = _follow_up(access)
    # Who needs following up, and what helps those coming take part, are members' data.
    audit_record(actor=request.user, action="group_dashboard.view", subject=access.group)
    return render(
        request,
        "sessions_app/staff/dashboard.html",
        access.context(
            "dashboard",
            session=session,
            when=staff_pages.session_when(session) if session else "",
            facilitators=facilitators,
            ready=any(not f["missing"] for f in facilitators),
            agenda_due=agenda_due,
            agenda_late=session is not None
            and agenda_due <= now
            and session.agenda_sent_at is None,
            coming=staff_pages.coming_rows(access, session) if session else [],
            follow_up=follow_up,
            notes=[
                {"session": s, "when": staff_pages.session_when(s)}
                for s in _notes_to_share(access, now)
            ],
            changes=list(ServiceChange.objects.filter(group=access.group)[:SHOWN]),
        ),
    )
