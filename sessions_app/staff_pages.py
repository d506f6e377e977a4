"""What the staff pages of support show, row by row: names and states, never her words
beyond what the acknowledger wrote."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction import crypto
from coproduction.core import dates
from coproduction.outbox.models import Message
from groups import notices
from groups.models import preferred_name
from groups.summaries import staff_name
from sessions_app import wording

Status = Message.Status
KIND_LABELS = {**wording.KIND_LABELS, **notices.KIND_LABELS}


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
