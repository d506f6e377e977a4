"""Planning sessions: a series from one rule keeps its wall-clock times across the clock
changes; facilitators who are ready (rule 11, and the "block" policy); the plan; every
change after publishing recorded once and announced; who came and for how long."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from coproduction.audit.models import AuditEvent
from coproduction.outbox.models import Message
from groups.models import CoproGroup, Membership, Training
from sessions_app.models import (
    AgendaItem,
    Attendance,
    CheckIn,
    CheckInPlan,
    GroupSession,
    SessionChange,
    SessionSeries,
    StepOut,
)
from sessions_app.services import sessions as planning
from sessions_app.services import taking_part
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PLACE = {"address": "Riverside Women's Centre, 12 Mill Lane"}


def ready(person, on=dt.date(2026, 1, 5)) -> None:
    """Current training of every required kind, for two years from `on`."""
    for kind in Training.REQUIRED_TO_FACILITATE:
        Training.objects.create(
            person=person, kind=kind, completed_on=on, expires_on=on + dt.timedelta(days=730)
        )


@pytest.fixture
def series(tuesday_group, helen, helen_fac):
    """Every other Tuesday from 12 January 2027, 10:30–12:30, run by Helen."""
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        return planning.series_create(
            group=tuesday_group, acting_user=helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=6",
            first_day=dt.date(2027, 1, 12), starts=dt.time(10, 30), ends=dt.time(12, 30),
            facilitators=[helen], **PLACE,
        )  # fmt: skip


@pytest.fixture
def first(series) -> GroupSession:
    return series.sessions.order_by("starts_at").first()


@pytest.fixture
def planned(first, helen):
    """The first date with one part to its plan, Helen ready to run it."""
    ready(helen)
    planning.agenda_item_save(
        session=first, acting_user=helen, purpose="Welcome and tea", at_time=dt.time(10, 30)
    )
    return first


@pytest.fixture(autouse=True)
def _january():
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


def test_a_fortnightly_series_keeps_10_30_local_across_both_clock_changes(
    tuesday_group, helen, helen_fac
):
    made = planning.series_create(
        group=tuesday_group, acting_user=helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=26",
        first_day=dt.date(2027, 1, 12), starts=dt.time(10, 30), ends=dt.time(12, 30),
        facilitators=[helen], **PLACE,
    )  # fmt: skip
    sessions = list(made.sessions.order_by("starts_at"))
    assert len(sessions) == 26
    # Summer time starts on 28 March 2027 and ends on 31 October 2027: both are crossed.
    assert sessions[0].starts_at.date() < dt.date(2027, 3, 28) < dt.date(2027, 10, 31)
    assert sessions[-1].starts_at.date() > dt.date(2027, 10, 31)
    for session in sessions:
        local = session.starts_at.astimezone(LONDON)
        assert (local.weekday(), local.time()) == (1, dt.time(10, 30))
        assert session.ends_at.astimezone(LONDON).time() == dt.time(12, 30)
        assert session.occurrence == local.date()
    in_utc = {s.starts_at.astimezone(dt.UTC).time() for s in sessions}
    assert in_utc == {dt.time(10, 30), dt.time(9, 30)}
    days = [s.occurrence for s in sessions]
    assert [(b - a).days for a, b in zip(days, days[1:], strict=False)] == [14] * 25
    assert made.rule == "FREQ=WEEKLY;INTERVAL=2;COUNT=26"
    assert all(s.status == GroupSession.Status.DRAFT for s in sessions)
    assert {p.pk for s in sessions for p in s.facilitators.all()} == {helen.pk}


def test_the_same_series_asked_for_twice_is_made_once(series, tuesday_group, helen):
    again = planning.series_create(
        group=tuesday_group, acting_user=helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=6",
        first_day=dt.date(2027, 1, 12), starts=dt.time(10, 30), ends=dt.time(12, 30),
        facilitators=[helen], **PLACE,
    )  # fmt: skip
    assert again == series
    assert (SessionSeries.objects.count(), GroupSession.objects.count()) == (1, 6)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("EVERY TUESDAY", "could not read"),
        ("FREQ=WEEKLY;INTERVAL=2", "at most 52"),
        ("FREQ=WEEKLY;COUNT=53", "at most 52"),
        ("FREQ=WEEKLY;UNTIL=20270101", "gives no dates"),
    ],
)
def test_a_rule_hearth_cannot_use_is_refused_in_words(tuesday_group, helen, helen_fac, rule, words):
    with pytest.raises(ValidationError, match=words):
        planning.series_create(
            group=tuesday_group, acting_user=helen, rule=rule, first_day=dt.date(2027, 1, 12),
            starts=dt.time(10, 30), ends=dt.time(12, 30), facilitators=[helen], **PLACE,
        )  # fmt: skip
    assert not GroupSession.objects.exists()


def test_times_and_runners_are_checked(tuesday_group, thursday_group, helen, helen_fac, tom):
    common = {"group": tuesday_group, "acting_user": helen, "rule": "FREQ=WEEKLY;COUNT=2"}
    with pytest.raises(ValidationError, match="end must be after"):
        planning.series_create(
            **common, first_day=dt.date(2027, 1, 12), starts=dt.time(12), ends=dt.time(10),
            facilitators=[helen],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="past"):
        planning.series_create(
            **common, first_day=dt.date(2026, 12, 1), starts=dt.time(10), ends=dt.time(12),
            facilitators=[helen],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="facilitators"):
        planning.series_create(
            **common, first_day=dt.date(2027, 1, 12), starts=dt.time(10), ends=dt.time(12),
            facilitators=[tom],
        )  # fmt: skip
    assert not GroupSession.objects.exists()


def test_a_single_date_asked_for_twice_is_one(tuesday_group, helen, helen_fac):
    start = dt.datetime(2027, 2, 3, 10, 30, tzinfo=LONDON)
    made = [
        planning.session_create(
            group=tuesday_group,
            acting_user=helen,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            facilitators=[helen],
            **PLACE,
        )  # fmt: skip
        for _ in range(2)
    ]
    assert made[0] == made[1] and GroupSession.objects.count() == 1
    assert made[0].member_title == "Wednesday meet-up"


def test_rostering_a_facilitator_without_current_training_warns(first, helen, tuesday_group):
    lou = StaffFactory(first_name="Lou")
    MembershipFactory(user=lou, group=tuesday_group, role=Membership.Role.FACILITATOR)
    missing = planning.facilitator_add(session=first, acting_user=helen, person=lou)
    assert set(missing) == {str(label) for label in Training.Kind.labels}
    ready(lou)
    assert planning.facilitator_add(session=first, acting_user=helen, person=lou) == []
    assert first.facilitators.count() == 2


def test_only_the_groups_facilitators_can_be_rostered(first, helen, tom, dee):
    for person in (tom, dee):
        with pytest.raises(ValidationError, match="facilitators"):
            planning.facilitator_add(session=first, acting_user=helen, person=person)


def test_training_that_lapses_before_the_day_counts_as_not_current(planned, helen):
    Training.objects.filter(person=helen).update(expires_on=dt.date(2027, 1, 10))
    assert planning.readiness([planned])[planned.pk][helen.pk] == set(
        Training.REQUIRED_TO_FACILITATE
    )


def test_publishing_needs_a_facilitator_and_a_plan(first, helen):
    planning.facilitator_remove(session=first, acting_user=helen, person=helen)
    with pytest.raises(ValidationError, match="at least one facilitator"):
        planning.session_publish(session=first, acting_user=helen)
    planning.facilitator_add(session=first, acting_user=helen, person=helen)
    with pytest.raises(ValidationError, match="plan"):
        planning.session_publish(session=first, acting_user=helen)
    first.refresh_from_db()
    assert first.status == GroupSession.Status.DRAFT


def test_under_the_block_policy_unready_facilitators_cannot_publish(
    first, helen, tuesday_group, ruth
):
    tuesday_group.training_policy = CoproGroup.TrainingPolicy.BLOCK
    tuesday_group.save()
    planning.agenda_item_save(session=first, acting_user=helen, purpose="Welcome")
    first.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        planning.session_publish(session=first, acting_user=helen)
    words = refused.value.messages[0]
    # What is missing, and who can fix it.
    assert "Safeguarding adults and children" in words and "Trauma-informed practice" in words
    assert "Ruth" in words and "admin site" in words and "training page" in words
    first.refresh_from_db()
    assert first.status == GroupSession.Status.DRAFT
    ready(helen)
    assert planning.session_publish(session=first, acting_user=helen) is True


def test_under_the_warn_policy_unready_facilitators_may_publish(first, helen):
    planning.agenda_item_save(session=first, acting_user=helen, purpose="Welcome")
    assert planning.session_publish(session=first, acting_user=helen) is True


def test_publishing_twice_publishes_once(planned, helen):
    assert planning.session_publish(session=planned, acting_user=helen) is True
    assert planning.session_publish(session=planned, acting_user=helen) is False
    planned.refresh_from_db()
    assert planned.status == GroupSession.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="session.publish").count() == 1


def test_a_draft_changes_quietly(first, helen):
    moved = first.starts_at + dt.timedelta(days=1)
    assert (
        planning.session_update(
            session=first, acting_user=helen, starts_at=moved, ends_at=moved + dt.timedelta(hours=2)
        )
        is None
    )
    assert not SessionChange.objects.exists()
    first.refresh_from_db()
    assert (first.version, first.status) == (0, GroupSession.Status.DRAFT)


def test_a_move_after_publishing_is_one_announced_change(planned, helen, sam, sam_membership):
    planning.session_publish(session=planned, acting_user=helen)
    moved = planned.starts_at + dt.timedelta(days=1)
    fields = {"starts_at": moved, "ends_at": moved + dt.timedelta(hours=2)}
    change = planning.session_update(session=planned, acting_user=helen, **fields)
    assert change.what == [SessionChange.What.TIME]
    planned.refresh_from_db()
    assert (planned.status, planned.version) == (GroupSession.Status.CHANGED, 1)
    assert planned.starts_at.astimezone(LONDON).weekday() == 2
    # The same again: nothing more.
    assert planning.session_update(session=planned, acting_user=helen, **fields) is None
    assert SessionChange.objects.count() == 1


def test_a_new_address_is_a_change_of_place_and_a_title_is_not_news(planned, helen):
    planning.session_publish(session=planned, acting_user=helen)
    assert planning.session_update(session=planned, acting_user=helen, title="Our meet-up") is None
    change = planning.session_update(session=planned, acting_user=helen, address="The library")
    assert change.what == [SessionChange.What.PLACE]


def test_cancelling_twice_is_one_change(planned, helen):
    planning.session_publish(session=planned, acting_user=helen)
    assert planning.session_cancel(session=planned, acting_user=helen) is not None
    assert planning.session_cancel(session=planned, acting_user=helen) is None
    assert list(SessionChange.objects.values_list("what", flat=True)) == [["cancelled"]]
    with pytest.raises(ValidationError, match="cancelled"):
        planning.session_update(session=planned, acting_user=helen, address="Elsewhere")


def test_cancelling_a_draft_tells_nobody(first, helen):
    planning.session_cancel(session=first, acting_user=helen)
    first.refresh_from_db()
    assert first.status == GroupSession.Status.CANCELLED
    assert not SessionChange.objects.exists()


def test_a_published_date_keeps_its_last_facilitator(planned, helen):
    planning.session_publish(session=planned, acting_user=helen)
    with pytest.raises(ValidationError, match="needs a facilitator"):
        planning.facilitator_remove(session=planned, acting_user=helen, person=helen)


def test_the_plan_keeps_its_order_and_refuses_unknown_notes(planned, helen):
    second = planning.agenda_item_save(
        session=planned, acting_user=helen, purpose="Reception desks",
        content_notes=["services"], content_note_text="Stories of being turned away",
    )  # fmt: skip
    assert list(planned.agenda.values_list("purpose", flat=True)) == [
        "Welcome and tea", "Reception desks",
    ]  # fmt: skip
    assert planning.agenda_item_move(item=second, acting_user=helen, up=True) is True
    assert planning.agenda_item_move(item=second, acting_user=helen, up=True) is False
    assert list(planned.agenda.values_list("purpose", flat=True)) == [
        "Reception desks", "Welcome and tea",
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        planning.agenda_item_save(
            session=planned, acting_user=helen, purpose="X", content_notes=["gossip"]
        )
    with pytest.raises(ValidationError, match="what this part is for"):
        planning.agenda_item_save(session=planned, acting_user=helen, purpose="  ")
    assert planning.agenda_item_remove(item=second, acting_user=helen) is True
    assert planning.agenda_item_remove(item=second, acting_user=helen) is False


def test_a_plan_changed_after_publishing_is_announced(planned, helen):
    planning.session_publish(session=planned, acting_user=helen)
    item = planned.agenda.get()
    planning.agenda_item_save(session=planned, acting_user=helen, item=item, purpose="Welcome")
    # The same words again are no change.
    planning.agenda_item_save(session=planned, acting_user=helen, item=item, purpose="Welcome")
    assert list(SessionChange.objects.values_list("what", flat=True)) == [["agenda"]]


# --- her part --------------------------------------------------------------------------


def test_she_can_say_she_cant_come_without_a_reason_once(planned, sam, sam_membership):
    assert taking_part.attendance_plan(member=sam, session=planned, plan="cant_come") is True
    assert taking_part.attendance_plan(member=sam, session=planned, plan="cant_come") is False
    assert Attendance.objects.get().plan == "cant_come"
    assert taking_part.attendance_plan(member=sam, session=planned, plan="") is True
    with pytest.raises(ValidationError):
        taking_part.attendance_plan(member=sam, session=planned, plan="maybe")


def test_nothing_to_say_once_it_has_begun(planned, sam, sam_membership):
    with time_machine.travel(planned.starts_at + dt.timedelta(minutes=5)):
        with pytest.raises(ValidationError, match="already started"):
            taking_part.attendance_plan(member=sam, session=planned, plan="cant_come")


def test_stepping_out_of_a_part_twice_is_once(planned, sam, sam_membership):
    item = planned.agenda.get()
    assert taking_part.step_out_set(member=sam, item=item, out=True) is True
    assert taking_part.step_out_set(member=sam, item=item, out=True) is False
    assert StepOut.objects.count() == 1
    assert taking_part.step_out_set(member=sam, item=item, out=False) is True
    assert not StepOut.objects.exists()


def test_choices_refuse_an_unknown_topic(sam, sam_membership):
    with pytest.raises(ValidationError):
        taking_part.session_choices_update(member=sam, acting_user=sam, topics=["gossip"])
    choices = taking_part.session_choices_update(
        member=sam, acting_user=sam, day_before=True, topics=["violence"]
    )
    assert (choices.day_before, choices.topics) == (True, ["violence"])


# --- who came --------------------------------------------------------------------------


def test_who_came_is_recorded_once_the_session_has_begun(
    planned, helen, sam, sam_membership, maria, maria_membership
):
    came = {sam.pk: (True, None), maria.pk: (False, None)}
    with pytest.raises(ValidationError, match="once the session has begun"):
        taking_part.attendance_record(session=planned, acting_user=helen, came=came)
    with time_machine.travel(planned.ends_at):
        assert taking_part.attendance_record(session=planned, acting_user=helen, came=came) == 2
        assert taking_part.attendance_record(session=planned, acting_user=helen, came=came) == 0
    rows = {row.member_id: row for row in Attendance.objects.all()}
    # The whole session, when no hours are given; none for not coming.
    assert (rows[sam.pk].came, rows[sam.pk].hours) == (True, Decimal("2.00"))
    assert (rows[maria.pk].came, rows[maria.pk].hours) == (False, None)
    planned.refresh_from_db()
    assert planned.status == GroupSession.Status.HELD


def test_only_the_groups_members_and_sensible_hours(planned, helen, sam, sam_membership, aisha):
    with time_machine.travel(planned.ends_at):
        with pytest.raises(ValidationError, match="members"):
            taking_part.attendance_record(
                session=planned, acting_user=helen, came={aisha.pk: (True, None)}
            )
        with pytest.raises(ValidationError, match="hours"):
            taking_part.attendance_record(
                session=planned, acting_user=helen, came={sam.pk: (True, "30")}
            )
    assert not Attendance.objects.exists()


def test_she_who_asked_is_checked_in_with_the_day_after_she_came(
    planned, helen, sam, sam_membership, sam_safe, maria, maria_membership
):
    CheckInPlan.objects.create(
        member=sam, rhythm=CheckInPlan.Rhythm.AFTER_SESSION, channel="sms",
        at_time=dt.time(11, 0),
    )  # fmt: skip
    CheckInPlan.objects.create(
        member=maria, rhythm=CheckInPlan.Rhythm.AFTER_SESSION, channel="portal"
    )
    came = {sam.pk: (True, None), maria.pk: (False, None)}
    with time_machine.travel(planned.ends_at):
        taking_part.attendance_record(session=planned, acting_user=helen, came=came)
        taking_part.attendance_record(session=planned, acting_user=helen, came=came)
    checkin = CheckIn.objects.get()
    assert (checkin.member, checkin.on_date) == (sam, dt.date(2027, 1, 13))
    message = Message.objects.get(pk=checkin.message_id)
    assert message.due_at == dt.datetime(2027, 1, 13, 11, tzinfo=LONDON)
    # Her weekly rhythm's day means nothing to this one.
    assert not CheckInPlan.objects.get(member=sam).falls_on(dt.date(2027, 1, 13))


def test_the_series_dates_are_each_their_own(series, helen):
    sessions = list(series.sessions.order_by("starts_at"))
    planning.session_cancel(session=sessions[1], acting_user=helen)
    assert [s.status for s in GroupSession.objects.order_by("starts_at")][:3] == [
        "draft", "cancelled", "draft",
    ]  # fmt: skip
    assert AgendaItem.objects.count() == 0
