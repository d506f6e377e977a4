"""Support requests: her chosen contact told at once, facilitators reminded in working
hours until someone acknowledges, and acknowledging stops the reminders at once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from coproduction.audit.models import AuditEvent
from coproduction.outbox.models import Message
from groups.models import SupportContact
from sessions_app import services
from sessions_app.models import SupportRequest
from sessions_app.working_hours import add_working_hours, working_moment

LONDON = ZoneInfo("Europe/London")
# Tuesday 8 December 2026, 11:00.
TUESDAY = dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)


def ask(sam, now=TUESDAY):
    return services.support_request_open(member=sam, source="button", now=now)


def test_dee_is_told_at_once_with_nothing_of_sams(sam, sam_asks_dee, dee, helen_fac):
    request, created = ask(sam)
    assert created and request.contact == sam_asks_dee
    told = Message.objects.get(key__startswith=f"support:{request.pk}:told:")
    assert told.recipient == dee and told.channel == "email"
    assert "Sam" not in told.body and "Sam" not in told.subject
    assert "asked to be contacted" in told.body
    assert AuditEvent.objects.filter(action="support_request.open", subject_user=sam).exists()


def test_asking_twice_is_one_request_and_tells_nobody_twice(sam, sam_asks_dee):
    first, _ = ask(sam)
    second, created = ask(sam, now=TUESDAY + dt.timedelta(minutes=5))
    assert second == first and not created
    assert SupportRequest.objects.count() == 1
    assert Message.objects.filter(key__startswith="support:").count() == 1


def test_an_outside_contact_is_not_messaged_and_her_support_worker_hears(sam, sam_safe, dee):
    SupportContact.objects.create(
        member=sam, kind="helpline", name="Nightline", channel="call", contact_detail="0800 000"
    )
    request, _ = ask(sam)
    assert [m.recipient for m in Message.objects.filter(key__startswith="support:")] == [dee]
    assert request.contact.name == "Nightline"


def test_with_nobody_chosen_and_no_support_worker_the_facilitators_hear(
    maria, maria_membership, helen_fac, helen
):
    ask(maria)
    assert [m.recipient for m in Message.objects.filter(key__startswith="support:")] == [helen]


def test_facilitators_are_reminded_after_an_hour_then_every_four_working_hours(
    sam, sam_asks_dee, helen_fac, helen
):
    request, _ = ask(sam)
    assert request.next_reminder_at == TUESDAY + dt.timedelta(hours=1)
    assert services.support_reminders_send(now=TUESDAY + dt.timedelta(minutes=59)) == 0
    noon = TUESDAY + dt.timedelta(hours=1)
    assert services.support_reminders_send(now=noon) == 1
    assert services.support_reminders_send(now=noon) == 0
    reminders = Message.objects.filter(key__startswith=f"support:{request.pk}:remind:")
    assert [m.recipient for m in reminders] == [helen]
    request.refresh_from_db()
    assert request.next_reminder_at == dt.datetime(2026, 12, 8, 16, 0, tzinfo=LONDON)


def test_acknowledging_stops_the_reminders_at_once(sam, sam_asks_dee, helen_fac, helen, dee):
    request, _ = ask(sam)
    services.support_reminders_send(now=TUESDAY + dt.timedelta(hours=1))
    services.support_request_acknowledge(
        request=request, acting_user=dee, what_was_done="Called her at 12:10, she is OK."
    )
    request.refresh_from_db()
    assert (request.acknowledged_by, request.next_reminder_at) == (dee, None)
    assert request.what_was_done == "Called her at 12:10, she is OK."
    reminder = Message.objects.get(key__startswith=f"support:{request.pk}:remind:")
    assert reminder.status == Message.Status.CANCELLED
    assert services.support_reminders_send(now=TUESDAY + dt.timedelta(days=3)) == 0
    with pytest.raises(ValidationError):
        services.support_request_acknowledge(request=request, acting_user=helen, what_was_done="x")
    request.refresh_from_db()
    assert request.acknowledged_by == dee


def test_after_acknowledging_she_can_ask_again(sam, sam_asks_dee, dee):
    request, _ = ask(sam)
    services.support_request_acknowledge(request=request, acting_user=dee, what_was_done="ok")
    again, created = ask(sam, now=TUESDAY + dt.timedelta(days=1))
    assert created and again != request


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # In hours: as it is.
        (
            dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON),
            dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON),
        ),
        # Before opening: at opening.
        (
            dt.datetime(2026, 12, 8, 7, 0, tzinfo=LONDON),
            dt.datetime(2026, 12, 8, 9, 0, tzinfo=LONDON),
        ),
        # Friday evening and Saturday: Monday morning.
        (
            dt.datetime(2026, 12, 11, 17, 0, tzinfo=LONDON),
            dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON),
        ),
        (
            dt.datetime(2026, 12, 12, 12, 0, tzinfo=LONDON),
            dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON),
        ),
    ],
)
def test_working_moment(at, expected):
    assert working_moment(at) == expected


def test_four_working_hours_carry_over_the_night_and_the_weekend():
    friday = dt.datetime(2026, 12, 11, 15, 0, tzinfo=LONDON)
    assert add_working_hours(friday, 4) == dt.datetime(2026, 12, 14, 11, 0, tzinfo=LONDON)
    # Across the clocks going back: still 09:00 local, the hours counted in local time.
    october = dt.datetime(2026, 10, 23, 16, 0, tzinfo=LONDON)
    assert add_working_hours(october, 2) == dt.datetime(2026, 10, 26, 10, 0, tzinfo=LONDON)


def test_the_reminder_task_is_safe_twice(sam, sam_asks_dee, helen_fac):
    import time_machine

    from sessions_app import tasks

    ask(sam)
    with time_machine.travel(TUESDAY + dt.timedelta(hours=2)):
        assert tasks.remind_support_requests.apply().get() == 1
        assert tasks.remind_support_requests.apply().get() == 0
