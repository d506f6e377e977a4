"""Support between sessions, on beat's clock: each task calls a service and is safe to
run twice."""

from celery import shared_task

from sessions_app import services
from sessions_app.services import session_notices


@shared_task
def queue_checkins() -> int:
    """Every ten minutes: queue today's check-ins (once per plan and day)."""
    return services.checkins_queue()


@shared_task
def notice_unanswered_checkins() -> int:
    """Hourly: tell support workers of check-ins left unanswered, where she asked us to."""
    return services.checkins_unanswered()


@shared_task
def remind_support_requests() -> int:
    """Every minute: remind facilitators of open support requests whose reminder is due."""
    return services.support_reminders_send()


@shared_task
def send_staff_reminders() -> int:
    """Every ten minutes: each facilitator's reminders, or her daily digest once its time
    has come, as she chose (each at most once a day, by its message key)."""
    return services.staff_reminders_send()


@shared_task
def send_session_notices() -> int:
    """Every ten minutes: the plans of dates now due, the day-before reminders, and the
    withdrawal of notices that waited past their date (each once, by its message key)."""
    return session_notices.session_notices_send()
