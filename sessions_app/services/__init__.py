"""Writes for support between sessions: check-ins and support requests. Each is atomic,
audited where it touches her data, and safe to call twice."""

from sessions_app.services.checkins import (
    checkin_answer,
    checkin_plan_update,
    checkin_queue,
    checkins_queue,
    checkins_unanswered,
)
from sessions_app.services.replies import reply_receive
from sessions_app.services.support import (
    chosen_contact,
    support_reminders_send,
    support_request_acknowledge,
    support_request_open,
)

__all__ = [
    "checkin_answer",
    "checkin_plan_update",
    "checkin_queue",
    "checkins_queue",
    "checkins_unanswered",
    "chosen_contact",
    "reply_receive",
    "support_reminders_send",
    "support_request_acknowledge",
    "support_request_open",
]
