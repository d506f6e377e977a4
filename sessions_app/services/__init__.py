"""Writes for support between sessions: check-ins, support requests, messages passed on
by her support worker, and staff reminders. Each is atomic,
audited where it touches her data, and safe to call twice."""

from sessions_app.services.checkins import (
    checkin_answer,
    checkin_plan_update,
    checkin_queue,
    checkins_queue,
    checkins_unanswered,
)
from sessions_app.services.digests import (
    reminder_choice_update,
    staff_reminders_send,
    staff_things_to_do,
)
from sessions_app.services.pass_on import pass_on_create, pass_on_done
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
    "pass_on_create",
    "pass_on_done",
    "reminder_choice_update",
    "reply_receive",
    "staff_reminders_send",
    "staff_things_to_do",
    "support_reminders_send",
    "support_request_acknowledge",
    "support_request_open",
]
