"""What the member portal's support pages read: her own plan, check-ins and requests."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from consent.services import EXPORT_KEPT_FOR
from coproduction.core import dates
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups import notices
from groups.models import SupportContact
from sessions_app.models import (
    Attendance,
    CheckIn,
    GroupSession,
    SessionChange,
    SessionChoices,
    SessionSeen,
    StepOut,
    SupportRequest,
)
from sessions_app.session_access import sessions_of_member

# A note of a changed answer stays on her home page this long. The other notices her home
# page shows as long as they are true (an agreement to read, choices to check), from the
# state itself; a download, as long as it is kept.
RECEIPT_SHOWN_FOR = dt.timedelta(days=7)
SHOWN_AT_MOST = 20


def open_checkin(member) -> CheckIn | None:
    """Her latest check-in that reached her and that she has not answered yet."""
    return CheckIn.objects.open().filter(member=member).select_related("plan").first()


def open_request(member) -> SupportRequest | None:
    return (
        SupportRequest.objects.open()
        .filter(member=member)
        .select_related("contact__staff_user")
        .first()
    )


def who_hears(contact: SupportContact | None) -> dict:
    """What she is told about who hears of her request: a staff member she chose by name;
    someone outside Hearth with how to reach them (Hearth does not contact them)."""
    if contact is None:
        return {
            "told": _("We will tell your support worker, or the group's facilitators."),
            "outside": None,
        }
    if contact.staff_user_id is not None:
        return {
            "told": _("We will tell %(name)s. They will contact you the way you chose.")
            % {"name": contact.display_name},
            "outside": None,
        }
    return {
        "told": _("You said you would like to talk to %(name)s. Here is how to reach them.")
        % {"name": contact.display_name},
        "outside": contact,
    }


def portal_notices(member, *, now: dt.datetime | None = None) -> list[dict]:
    """The notes on her home page the outbox left for her there: a change to her
    choices (for a week) and her download ready (while it is kept), newest first, each
    one sentence and one button, as her home page's other items. One query."""
    now = now or timezone.now()
    sent = (
        Message.objects.filter(recipient=member, channel=Channel.PORTAL, status=Message.Status.SENT)
        .filter(
            Q(kind=notices.CONSENT_RECEIPT, sent_at__gte=now - RECEIPT_SHOWN_FOR)
            | Q(kind=notices.EXPORT_READY, sent_at__gte=now - EXPORT_KEPT_FOR)
        )
        .order_by("-sent_at")
        .values_list("kind", "sent_at")
    )
    # The newest of each kind: ten changes in a week are one note.
    newest = dict(reversed(sent[:SHOWN_AT_MOST]))
    items = []
    for kind, sent_at in sorted(newest.items(), key=lambda item: item[1], reverse=True):
        if kind == notices.EXPORT_READY:
            items.append(
                {
                    "text": _("Your download is ready."),
                    "label": _("Get your download"),
                    "url": reverse("consent:my_data"),
                }
            )
        else:
            items.append(
                {
                    "text": _("One of your choices changed on %(day)s. Was that you?")
                    % {"day": dates.day(sent_at, short=True)},
                    "label": _("See your choices"),
                    "url": reverse("consent:my_choices"),
                }
            )
    return items


# --- her sessions --------------------------------------------------------------------

UPCOMING_SHOWN = 12


def her_when(session) -> str:
    """A session's day and times, in full words: "Tuesday 10 March, 10:30 to 12:30"."""
    start, end = session.local_times()
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": formats.date_format(start, "l j F"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def _hers(member, sessions):
    """`sessions` with the version of each she last saw and what she said about coming."""
    return sessions.annotate(
        seen=Subquery(
            SessionSeen.objects.filter(session=OuterRef("pk"), member=member).values("version")[:1]
        ),
        her_plan=Subquery(
            Attendance.objects.filter(session=OuterRef("pk"), member=member).values("plan")[:1]
        ),
    )


def _row(session) -> dict:
    return {
        "session": session,
        "when": her_when(session),
        "title": session.member_title,
        "changed": session.version > (session.seen or 0),
        "cancelled": session.is_cancelled,
        "cant_come": session.her_plan == Attendance.Plan.CANT_COME,
        "coming": session.her_plan == Attendance.Plan.COMING,
    }


def upcoming_rows(member, *, now: dt.datetime | None = None) -> list[dict]:
    """Her next dates, soonest first, each marked changed (since she last looked),
    off, or one she said she can't come to. One query."""
    sessions = _hers(member, sessions_of_member(member).upcoming(now))[:UPCOMING_SHOWN]
    return [_row(session) for session in sessions]


def next_session(member, *, now: dt.datetime | None = None) -> dict | None:
    """Her next date that is not off, for her home page. One query."""
    upcoming = (
        sessions_of_member(member).upcoming(now).exclude(status=GroupSession.Status.CANCELLED)
    )
    session = _hers(member, upcoming).first()
    return _row(session) if session is not None else None


def _first_name(user) -> str:
    return user.first_name or user.get_full_name() or user.username


def session_page(member, session_id: int) -> dict:
    """What her session page shows, for one of her sessions (404 for any other): when
    and where, who will be there, the plan with content notes (those she asked to hear
    of first marked) and the parts she will step out of, what changed since she last
    looked, and whether she said she'll come or can't. A fixed number of queries,
    however long the group's history."""
    session = get_object_or_404(
        _hers(member, sessions_of_member(member))
        .select_related("support_worker", "group")
        .prefetch_related("facilitators", "agenda"),
        pk=session_id,
    )
    out = set(
        StepOut.objects.filter(member=member, item__session=session).values_list(
            "item_id", flat=True
        )
    )
    choices = SessionChoices.objects.filter(member=member).first()
    watched = set(choices.topics) if choices else set()
    labels = dict(SessionChange.What.choices)
    changes = [
        {
            "when": dates.day(change.made_at, short=True),
            "what": ", ".join(str(labels[w]) for w in change.what),
        }
        for change in session.changes.filter(version__gt=session.seen or 0)
    ]
    items = [
        {
            "item": item,
            "notes": item.get_content_notes_display(),
            "asked_first": bool(watched & set(item.content_notes)),
            "out": item.pk in out,
        }
        for item in session.agenda.all()
    ]
    return {
        "session": session,
        "row": _row(session),
        "facilitators": [_first_name(p) for p in session.facilitators.all()],
        "support_worker": _first_name(session.support_worker) if session.support_worker else "",
        "items": items,
        "changes": changes,
        "upcoming": not session.is_cancelled and session.starts_at > timezone.now(),
    }
