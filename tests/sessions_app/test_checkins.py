"""Check-ins: her plan, queued on her day through the real outbox, her answer, and the
support worker told of an unanswered one only where she asked for it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from coproduction.outbox import services as outbox
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from sessions_app import services
from sessions_app.models import CheckIn, CheckInPlan, SupportRequest

LONDON = ZoneInfo("Europe/London")
# Saturday 5 December 2026, and the Tuesday after it.
SATURDAY = dt.datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
TUESDAY_TEN = dt.datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)


def weekly_sms(sam, **extra) -> CheckInPlan:
    with time_machine.travel(SATURDAY - dt.timedelta(days=7)):
        return services.checkin_plan_update(
            member=sam,
            acting_user=sam,
            rhythm=CheckInPlan.Rhythm.WEEKLY,
            channel=Channel.SMS,
            weekday=extra.pop("weekday", 1),
            at_time=dt.time(10, 0),
            **extra,
        )


def deliver_due(now):
    for message_id in outbox.due_sweep(now=now):
        outbox.message_deliver(message_id=message_id, now=now)


def test_sams_moment_a_check_in_due_on_saturday_waits_for_tuesday_ten_from_jo(sam, sam_safe):
    # Her plan said Saturday while her window was wider; then she narrowed her window.
    sam_safe.safe_days = [1, 2, 3, 5]
    sam_safe.save()
    plan = weekly_sms(sam, weekday=5)
    sam_safe.safe_days = [1, 2, 3]
    sam_safe.save()

    assert services.checkins_queue(now=SATURDAY) == 1
    message = Message.objects.get(key=f"checkin:{plan.pk}:2026-12-05")
    deliver_due(SATURDAY)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.due_at == TUESDAY_TEN
    assert MemoryBackend.sent == []

    deliver_due(TUESDAY_TEN)
    assert MemoryBackend.sent == [
        (
            message.key,
            "07700 900123",
            "Jo",
            "Hi Sam, how are things? Reply 1 OK, 2 not great, 3 please call",
        )
    ]


def test_queueing_twice_queues_one_check_in(sam, sam_safe):
    plan = weekly_sms(sam)
    tuesday = TUESDAY_TEN - dt.timedelta(hours=2)
    assert services.checkins_queue(now=tuesday) == 1
    assert services.checkins_queue(now=tuesday + dt.timedelta(hours=1)) == 0
    assert CheckIn.objects.filter(plan=plan).count() == 1
    assert Message.objects.filter(key__startswith=f"checkin:{plan.pk}:").count() == 1


def test_no_check_in_on_other_days_or_when_never(sam, sam_safe):
    weekly_sms(sam)
    assert services.checkins_queue(now=TUESDAY_TEN + dt.timedelta(days=1)) == 0
    services.checkin_plan_update(member=sam, acting_user=sam, rhythm=CheckInPlan.Rhythm.NEVER)
    assert services.checkins_queue(now=TUESDAY_TEN) == 0


def test_a_plan_made_after_todays_time_starts_next_time(sam, sam_safe):
    with time_machine.travel(TUESDAY_TEN + dt.timedelta(hours=1)):
        services.checkin_plan_update(
            member=sam, acting_user=sam, rhythm="weekly", channel="sms", weekday=1
        )
    assert services.checkins_queue(now=TUESDAY_TEN + dt.timedelta(hours=2)) == 0
    assert services.checkins_queue(now=TUESDAY_TEN + dt.timedelta(days=7)) == 1


def test_nothing_queued_for_a_member_who_left(sam, sam_safe, sam_membership):
    weekly_sms(sam)
    sam_membership.status = "left"
    sam_membership.save()
    assert services.checkins_queue(now=TUESDAY_TEN) == 0


def test_fortnightly_and_monthly_fall_on_their_days(sam):
    plan = CheckInPlan(member=sam, rhythm="fortnightly", weekday=1, starts_on=dt.date(2026, 12, 1))
    assert plan.falls_on(dt.date(2026, 12, 1))
    assert not plan.falls_on(dt.date(2026, 12, 8))
    assert plan.falls_on(dt.date(2026, 12, 15))
    plan.rhythm = "monthly"
    assert plan.falls_on(dt.date(2027, 1, 5))
    assert not plan.falls_on(dt.date(2027, 1, 12))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": Channel.EMAIL}, "channel"),
        ({"weekday": 5}, "weekday"),
        ({"at_time": dt.time(15, 0)}, "at_time"),
        ({"wording": CheckInPlan.Wording.OWN, "own_words": " "}, "own_words"),
        ({"wording": CheckInPlan.Wording.OWN, "own_words": "x" * 141}, "own_words"),
        ({"no_answer_days": 0}, "no_answer_days"),
    ],
)
def test_a_plan_her_choices_would_never_let_go_is_refused(sam, sam_safe, fields, field):
    services.checkin_plan_update(member=sam, acting_user=sam, rhythm="weekly", channel="sms")
    with pytest.raises(ValidationError) as refused:
        services.checkin_plan_update(member=sam, acting_user=sam, **fields)
    assert field in refused.value.error_dict


def test_tell_my_support_worker_needs_one(maria, maria_membership):
    with pytest.raises(ValidationError) as refused:
        services.checkin_plan_update(
            member=maria, acting_user=maria, rhythm="weekly", if_no_answer="tell_support_worker"
        )
    assert "if_no_answer" in refused.value.error_dict


def test_choosing_texts_moves_the_day_into_her_window(sam, sam_safe):
    services.checkin_plan_update(
        member=sam, acting_user=sam, rhythm="weekly", weekday=6, at_time=dt.time(20, 0)
    )
    plan = services.checkin_plan_update(member=sam, acting_user=sam, channel="sms")
    assert (plan.weekday, plan.at_time) == (1, dt.time(10, 0))


def sent_checkin(sam) -> CheckIn:
    weekly_sms(sam)
    services.checkins_queue(now=TUESDAY_TEN)
    deliver_due(TUESDAY_TEN)
    return CheckIn.objects.get(member=sam)


def test_her_first_answer_counts_and_a_second_changes_nothing(sam, sam_safe):
    checkin = sent_checkin(sam)
    assert services.checkin_answer(checkin=checkin, answer="ok", via="portal")
    assert not services.checkin_answer(checkin=checkin, answer="please_call", via="sms")
    checkin.refresh_from_db()
    assert (checkin.answer, checkin.answered_via) == ("ok", "portal")
    assert not SupportRequest.objects.exists()


def test_please_contact_me_opens_one_support_request(sam, sam_asks_dee):
    checkin = sent_checkin(sam)
    services.checkin_answer(checkin=checkin, answer="please_call", via="sms")
    request = SupportRequest.objects.get()
    assert (request.member, request.source, request.checkin) == (sam, "checkin", checkin)


def test_an_answer_that_is_none_of_the_three_is_refused(sam, sam_safe):
    with pytest.raises(ValidationError):
        services.checkin_answer(checkin=sent_checkin(sam), answer="maybe", via="portal")


def test_unanswered_tells_her_support_worker_once_after_her_days(sam, sam_safe, dee):
    weekly_sms(sam, if_no_answer="tell_support_worker", no_answer_days=2)
    services.checkins_queue(now=TUESDAY_TEN)
    deliver_due(TUESDAY_TEN)
    assert services.checkins_unanswered(now=TUESDAY_TEN + dt.timedelta(days=1)) == 0
    later = TUESDAY_TEN + dt.timedelta(days=2, minutes=1)
    assert services.checkins_unanswered(now=later) == 1
    assert services.checkins_unanswered(now=later) == 0
    request = SupportRequest.objects.get()
    assert request.source == SupportRequest.Source.NO_ANSWER
    told = Message.objects.get(key__startswith=f"support:{request.pk}:told:")
    assert told.recipient == dee


def test_unanswered_tells_nobody_by_default(sam, sam_safe):
    sent_checkin(sam)
    assert services.checkins_unanswered(now=TUESDAY_TEN + dt.timedelta(days=30)) == 0


def test_a_portal_check_in_is_a_notice_on_her_home_page(sam, sam_safe):
    weekly_sms(sam)
    services.checkin_plan_update(member=sam, acting_user=sam, channel=Channel.PORTAL)
    services.checkins_queue(now=TUESDAY_TEN)
    deliver_due(TUESDAY_TEN)
    assert MemoryBackend.sent == []
    assert CheckIn.objects.open().get().member == sam


def test_the_tasks_are_safe_twice(sam, sam_safe):
    from sessions_app import tasks

    weekly_sms(sam)
    with time_machine.travel(TUESDAY_TEN):
        assert tasks.queue_checkins.apply().get() == 1
        assert tasks.queue_checkins.apply().get() == 0
        assert tasks.notice_unanswered_checkins.apply().get() == 0
