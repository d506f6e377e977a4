"""What the staff pages of support show, row by row: names and states, never her words
beyond what the acknowledger wrote."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduction import crypto
from coproduction.core import dates
from coproduction.outbox.models import Message
from groups import notices
from groups.models import Membership, preferred_name
from groups.summaries import staff_name
from sessions_app import wording
from sessions_app.models import Attendance, SessionChange
from sessions_app.services import changes, session_notices
from sessions_app.services.sessions import readiness

Status = Message.Status
KIND_LABELS = {
    **wording.KIND_LABELS,
    **notices.KIND_LABELS,
    **changes.KIND_LABELS,
    **session_notices.KIND_LABELS,
}


def when(moment) -> str:
    """A day and a time, for staff tables: "3 Mar, 10:00"."""
    return _("%(day)s, %(time)s") % {
        "day": dates.day(moment, short=True),
        "time": timezone.localtime(moment).strftime("%H:%M"),
    }


def support_rows(requests) -> list[dict]:
    """Each request: who asked, when and how, who she chose, and whether it is in hand.
    Open ones first, oldest first, as they wait longest."""
    found = list(
        requests.select_related(
            "member__profile", "contact__staff_user", "acknowledged_by"
        ).order_by(F("acknowledged_at").desc(nulls_first=True), "created_at")
    )
    crypto.warm_data_keys(r.member_id for r in found)
    return [
        {
            "request": r,
            "name": preferred_name(r.member),
            "asked": when(r.created_at),
            "source": r.get_source_display(),
            "chosen": r.contact.display_name if r.contact else _("Nobody chosen"),
            "done_by": staff_name(r.acknowledged_by) if r.acknowledged_by else "",
            "done": r.what_was_done,
        }
        for r in found
    ]


def outbox_rows(messages) -> list[dict]:
    """Each message to a member: to whom, what, how, and where it stands (with the reason
    it waits, was held or failed), and what a facilitator may do about it."""
    return [
        {
            "message": m,
            "name": preferred_name(m.recipient),
            "kind": KIND_LABELS.get(m.kind, m.kind),
            "when": when(m.sent_at or m.due_at),
            "can_retry": m.status in (Status.HELD, Status.FAILED),
            "can_cancel": m.status in (Status.PENDING, Status.HELD, Status.FAILED),
        }
        for m in messages
    ]


def pass_on_rows(pass_ons) -> list[dict]:
    """Each message to pass on in person: to whom, since when, its words (neutral, as
    she would have read them), and who passed it on. Waiting ones first, oldest first."""
    found = list(
        pass_ons.select_related("member__profile", "message", "done_by").order_by(
            F("done_at").desc(nulls_first=True), "created_at"
        )
    )
    crypto.warm_data_keys(p.member_id for p in found)
    return [
        {
            "pass_on": p,
            "name": preferred_name(p.member),
            "since": when(p.created_at),
            "words": p.message.body,
            "done_by": staff_name(p.done_by) if p.done_by else "",
        }
        for p in found
    ]


# --- sessions --------------------------------------------------------------------------


def session_when(session) -> str:
    """A session's day and times where it happens: "Tue 3 Mar, 10:30–12:30"."""
    start, end = session.local_times()
    return _("%(day)s, %(start)s–%(end)s") % {
        "day": formats.date_format(start, "D j M Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def session_rows(sessions) -> list[dict]:
    """Each session of a page (with `facilitators` prefetched and `items`, `cant_come`
    counted): when, its titles, its state, whether someone on it is ready. One query
    for the training of everyone on the page."""
    sessions = list(sessions)
    ready = readiness(sessions)
    return [
        {
            "session": session,
            "when": session_when(session),
            "title": session.member_title,
            "internal_title": session.internal_title,
            "status": session.get_status_display(),
            "items": session.items,
            "cant_come": session.cant_come,
            "facilitators": ", ".join(staff_name(p) for p in session.facilitators.all()),
            "ready": any(not missing for missing in ready[session.pk].values()),
        }
        for session in sessions
    ]


def _members(access, user_ids) -> list:
    members = list(
        get_user_model()
        .objects.filter(pk__in=access.members().filter(user_id__in=user_ids).values("user"))
        .select_related("profile")
        .order_by("pk")
    )
    crypto.warm_data_keys(m.pk for m in members)
    for member in members:
        member.display_name = preferred_name(member)
    return sorted(members, key=lambda m: m.display_name.casefold())


def coming_rows(access, session) -> list[dict]:
    """Who said she would come or could not, of the members she may see, with the
    access needs of those coming. For staff only: members never see who is not coming."""
    plans = dict(
        Attendance.objects.filter(session=session).exclude(plan="").values_list("member_id", "plan")
    )
    rows = []
    for member in _members(access, list(plans)):
        profile = getattr(member, "profile", None)
        coming = plans[member.pk] == Attendance.Plan.COMING
        rows.append(
            {
                "name": member.display_name,
                "plan": Attendance.Plan(plans[member.pk]).label,
                "needs": "; ".join(profile.get_access_needs_display())
                if coming and profile
                else "",
            }
        )
    return rows


def change_rows(changes) -> list[dict]:
    """Each announced change: when, and what changed, as members were told."""
    labels = dict(SessionChange.What.choices)
    return [
        {"when": when(change.made_at), "what": ", ".join(str(labels[w]) for w in change.what)}
        for change in changes
    ]


def attendance_members(access, session) -> list:
    """The members who could have come: those in the group now, and anyone already
    recorded for this session."""
    current = access.members().filter(
        status__in=(Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK)
    )
    recorded = Attendance.objects.filter(session=session).values_list("member_id", flat=True)
    return _members(access, set(current.values_list("user_id", flat=True)) | set(recorded))


def names_of(access, member_ids) -> list[str]:
    """The names of the members in `member_ids` (a subquery) she may see, sorted."""
    return [member.display_name for member in _members(access, member_ids)]
