"""No surprises (rule 4), through the real outbox: the plan a set time before, the
reminder the day before, and every change after publishing each reach Sam only in her
window (Tuesday to Thursday, 10:00–14:00), by text from "Jo", with no revealing word;
Maria by e-mail. A change still waiting is folded into the next; a member on a break
hears of changes only if she chose to; nothing arrives after the date has begun."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from coproduction.outbox import services as outbox
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.models import Message
from groups.models import Membership, SafeContactProfile
from sessions_app import tasks
from sessions_app.models import Attendance, ContentNote, GroupSession, SessionChange
from sessions_app.services import session_notices as notices
from sessions_app.services import sessions as planning
from sessions_app.services import taking_part
from tests.groups.staff_data import give_details
from tests.sessions_app.test_planning import PLACE, ready
from tests.sessions_app.test_wording import revealing

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)  # a week and a day before
TUESDAY_TEN = dt.datetime(2027, 1, 5, 10, 0, tzinfo=LONDON)  # Sam's window opens
SESSION_DAY = dt.date(2027, 1, 12)


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def deliver_due(now: dt.datetime) -> None:
    for message_id in outbox.due_sweep(now=now):
        outbox.message_deliver(message_id=message_id, now=now)


def texts_to_sam() -> list[tuple[str, str, str, str]]:
    return [sent for sent in MemoryBackend.sent if sent[1] == "07700 900123"]


@pytest.fixture
def maria_by_email(maria, maria_membership):
    """Maria: e-mail on weekdays, 10:00–16:00; messages may not mention the group."""
    give_details(maria, name="Maria", channels=["email"], safe_days=[0, 1, 2, 3, 4])


@pytest.fixture
def published(tuesday_group, helen, helen_fac, sam_safe, maria_by_email) -> GroupSession:
    """Every other Tuesday from 12 January 2027, 10:30–12:30; the first date published
    on Monday 4 January with its plan (a part with a content note), Helen ready."""
    with at(MONDAY):
        ready(helen)
        series = planning.series_create(
            group=tuesday_group, acting_user=helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=4",
            first_day=SESSION_DAY, starts=dt.time(10, 30), ends=dt.time(12, 30),
            facilitators=[helen], **PLACE,
        )  # fmt: skip
        first = series.sessions.order_by("starts_at").first()
        planning.agenda_item_save(
            session=first, acting_user=helen, purpose="Being believed at reception",
            content_notes=[ContentNote.SERVICES],
        )  # fmt: skip
        planning.session_publish(session=first, acting_user=helen)
    first.refresh_from_db()
    return first


def sams_messages(kind: str) -> list[Message]:
    return list(Message.objects.filter(kind=kind, recipient__username="sam").order_by("pk"))


# --- the plan ---------------------------------------------------------------------------


def test_the_plan_reaches_sam_a_week_before_in_her_window_by_text_from_jo(published, sam):
    # Published more than a week before: nothing yet.
    assert not Message.objects.filter(kind=notices.AGENDA).exists()
    # Seven days before is Tuesday 5 January, 10:30: the round queues it then, once.
    with at(TUESDAY_TEN):
        assert notices.session_notices_send() == 0
    due = dt.datetime(2027, 1, 5, 10, 30, tzinfo=LONDON)
    with at(due):
        assert tasks.send_session_notices.apply().get() == 2  # Sam and Maria
        assert tasks.send_session_notices.apply().get() == 0
        deliver_due(due)
    [(_key, _to, sender, body)] = texts_to_sam()
    assert sender == "Jo"
    assert "Tuesday 12 January, 10:30" in body
    assert revealing(body) == []
    published.refresh_from_db()
    assert published.agenda_sent_at == due


def test_a_plan_published_late_waits_for_her_window(published, sam, tuesday_group, helen):
    # Thursday evening, four days before the second date: inside the week, outside her hours.
    second = published.series.sessions.order_by("starts_at")[1]
    thursday_night = dt.datetime(2027, 1, 21, 20, 0, tzinfo=LONDON)
    with at(thursday_night):
        planning.agenda_item_save(session=second, acting_user=helen, purpose="Welcome")
        planning.session_publish(session=second, acting_user=helen)
        deliver_due(thursday_night)
    [message] = sams_messages(notices.AGENDA)
    assert message.status == Message.Status.PENDING
    assert texts_to_sam() == []
    # Her next window is the following Tuesday at ten, the morning of the date itself.
    next_window = dt.datetime(2027, 1, 26, 10, 0, tzinfo=LONDON)
    message.refresh_from_db()
    assert message.due_at == next_window
    deliver_due(next_window)
    assert [sent[2] for sent in texts_to_sam()] == ["Jo"]


def test_she_hears_a_topic_she_asked_about_is_in_it_without_its_name(published, sam):
    taking_part.session_choices_update(
        member=sam, acting_user=sam, topics=[ContentNote.SERVICES, ContentNote.LOSS]
    )
    with at(dt.datetime(2027, 1, 5, 10, 30, tzinfo=LONDON)):
        notices.agenda_notices_due()
    [message] = sams_messages(notices.AGENDA)
    assert "something you asked to hear about first" in message.body
    assert "services" not in message.body.lower()
    assert revealing(message.body) == []


def test_a_plan_is_not_sent_for_a_draft_or_a_cancelled_date(published, helen):
    draft, cancelled = published.series.sessions.order_by("starts_at")[1:3]
    with at(MONDAY):
        planning.agenda_item_save(session=cancelled, acting_user=helen, purpose="Welcome")
        planning.session_publish(session=cancelled, acting_user=helen)
        planning.session_cancel(session=cancelled, acting_user=helen)
    assert notices.agenda_notices_queue(session=draft) == 0
    with at(dt.datetime(2027, 2, 3, 11, tzinfo=LONDON)):
        assert notices.agenda_notices_due() == 0


# --- the day before ---------------------------------------------------------------------


def test_the_day_before_reminder_waits_for_her_window_and_goes_once(published, sam, maria):
    taking_part.session_choices_update(member=sam, acting_user=sam, day_before=True)
    taking_part.session_choices_update(member=maria, acting_user=maria, day_before=True)
    with at(MONDAY):
        taking_part.attendance_plan(member=maria, session=published, plan=Attendance.Plan.CANT_COME)
    monday_eight = dt.datetime(2027, 1, 11, 8, 59, tzinfo=LONDON)
    monday_nine = dt.datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)
    with at(monday_eight):
        assert notices.day_before_queue() == 0
    with at(monday_nine):
        # Maria said she can't come: no reminder for her.
        assert notices.day_before_queue() == 1
        assert notices.day_before_queue() == 0
        deliver_due(monday_nine)
    assert texts_to_sam() == []
    deliver_due(dt.datetime(2027, 1, 12, 10, 0, tzinfo=LONDON))
    [(_key, _to, sender, body)] = texts_to_sam()
    assert sender == "Jo"
    assert "Tuesday 12 January, 10:30" in body
    assert "tomorrow" not in body.lower()
    assert revealing(body) == []


def test_a_moved_date_is_reminded_afresh(published, sam, helen):
    taking_part.session_choices_update(member=sam, acting_user=sam, day_before=True)
    with at(dt.datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)):
        assert notices.day_before_queue() == 1
        planning.session_update(
            session=published, acting_user=helen,
            starts_at=dt.datetime(2027, 1, 13, 10, 30, tzinfo=LONDON),
            ends_at=dt.datetime(2027, 1, 13, 12, 30, tzinfo=LONDON),
        )  # fmt: skip
    [old] = sams_messages(notices.DAY_BEFORE)
    assert old.status == Message.Status.CANCELLED
    with at(dt.datetime(2027, 1, 12, 9, 0, tzinfo=LONDON)):
        assert notices.day_before_queue() == 1
    assert "Wednesday 13 January, 10:30" in sams_messages(notices.DAY_BEFORE)[-1].body


def test_a_reminder_still_waiting_when_the_date_begins_is_withdrawn(
    tuesday_group, helen, helen_fac, sam, sam_safe
):
    # A Monday date: the reminder on Sunday waits for Tuesday, after it.
    with at(MONDAY):
        ready(helen)
        monday = planning.session_create(
            group=tuesday_group, acting_user=helen, facilitators=[helen],
            starts_at=dt.datetime(2027, 1, 18, 10, 30, tzinfo=LONDON),
            ends_at=dt.datetime(2027, 1, 18, 12, 30, tzinfo=LONDON), **PLACE,
        )  # fmt: skip
        planning.agenda_item_save(session=monday, acting_user=helen, purpose="Welcome")
        planning.session_publish(session=monday, acting_user=helen)
    taking_part.session_choices_update(member=sam, acting_user=sam, day_before=True)
    with at(dt.datetime(2027, 1, 17, 9, 0, tzinfo=LONDON)):
        assert notices.session_notices_send() == 2  # its plan, and the reminder
    waiting = sams_messages(notices.AGENDA) + sams_messages(notices.DAY_BEFORE)
    with at(dt.datetime(2027, 1, 18, 10, 30, tzinfo=LONDON)):
        assert notices.stale_notices_withdraw() == 2
    for message in waiting:
        message.refresh_from_db()
        assert message.status == Message.Status.CANCELLED
    deliver_due(dt.datetime(2027, 1, 19, 10, 0, tzinfo=LONDON))
    assert texts_to_sam() == []


# --- changes ----------------------------------------------------------------------------


def move_to_wednesday(session, helen):
    return planning.session_update(
        session=session, acting_user=helen,
        starts_at=dt.datetime(2027, 1, 13, 10, 30, tzinfo=LONDON),
        ends_at=dt.datetime(2027, 1, 13, 12, 30, tzinfo=LONDON),
    )  # fmt: skip


def test_a_move_reaches_sam_in_her_window_saying_what_changed_and_when(published, sam, helen):
    sunday = dt.datetime(2027, 1, 3, 18, 0, tzinfo=LONDON)
    with at(sunday):
        change = move_to_wednesday(published, helen)
        deliver_due(sunday)
    assert change.what == [SessionChange.What.TIME]
    assert texts_to_sam() == []
    deliver_due(TUESDAY_TEN)
    [(_key, _to, sender, body)] = texts_to_sam()
    assert sender == "Jo"
    assert "Tuesday 12 January, 10:30" in body  # the day she knew
    assert "Now Wednesday 13 January, 10:30." in body
    assert "changed 3 Jan, 18:00" in body
    assert revealing(body) == []


def test_changes_waiting_for_her_window_are_one_message(published, sam, helen):
    with at(MONDAY):
        move_to_wednesday(published, helen)
        planning.session_update(session=published, acting_user=helen, address="The library")
    [folded, latest] = sams_messages(notices.SESSION_CHANGE)
    assert folded.status == Message.Status.CANCELLED
    assert "the day or time, the place" in latest.body
    assert "Tuesday 12 January, 10:30" in latest.body
    deliver_due(TUESDAY_TEN)
    assert len(texts_to_sam()) == 1


def test_a_change_of_plan_before_the_plan_went_out_is_not_news(published, helen):
    with at(MONDAY):
        planning.agenda_item_save(session=published, acting_user=helen, purpose="Tea")
    assert not Message.objects.filter(kind=notices.SESSION_CHANGE).exists()
    with at(dt.datetime(2027, 1, 5, 10, 30, tzinfo=LONDON)):
        notices.agenda_notices_due()
        planning.agenda_item_save(session=published, acting_user=helen, purpose="A walk")
    assert len(sams_messages(notices.SESSION_CHANGE)) == 1
    assert "the plan" in sams_messages(notices.SESSION_CHANGE)[0].body


def test_calling_it_off_withdraws_the_plan_and_says_it_is_off(published, sam, helen):
    with at(dt.datetime(2027, 1, 5, 9, 0, tzinfo=LONDON)):
        published.group.agenda_days_before = 8
        published.group.save()
        notices.agenda_notices_due()
        planning.session_cancel(session=published, acting_user=helen)
        planning.session_cancel(session=published, acting_user=helen)
    [plan] = sams_messages(notices.AGENDA)
    assert plan.status == Message.Status.CANCELLED
    [off] = sams_messages(notices.SESSION_CHANGE)
    assert "Tuesday 12 January, 10:30 is off" in off.body
    assert revealing(off.body) == []


@pytest.mark.parametrize("keeps_hearing", [False, True])
def test_on_a_break_she_hears_of_changes_only_if_she_chose_to(
    published, sam, sam_membership, helen, keeps_hearing
):
    Membership.objects.filter(pk=sam_membership.pk).update(
        status=Membership.Status.STEPPED_BACK, keep_session_changes_while_away=keeps_hearing
    )
    with at(MONDAY):
        move_to_wednesday(published, helen)
        planning.agenda_item_save(session=published, acting_user=helen, purpose="Tea")
    # The plan itself is not a change: a break means quiet.
    with at(dt.datetime(2027, 1, 6, 10, 30, tzinfo=LONDON)):
        notices.agenda_notices_due()
        deliver_due(dt.datetime(2027, 1, 6, 10, 30, tzinfo=LONDON))
    assert sams_messages(notices.AGENDA) == []
    changes = sams_messages(notices.SESSION_CHANGE)
    assert len(changes) == (1 if keeps_hearing else 0)
    # The outbox's gate, asked again at sending, lets the change through too.
    assert len(texts_to_sam()) == (1 if keeps_hearing else 0)


def test_she_may_read_clear_words_where_she_allowed_them(published, maria, helen):
    SafeContactProfile.objects.filter(member=maria).update(may_mention_group=True)
    with at(MONDAY):
        move_to_wednesday(published, helen)
    [message] = Message.objects.filter(kind=notices.SESSION_CHANGE, recipient=maria)
    assert message.mentions_group
    assert published.group.member_facing_name in message.body


# --- the words, every one -----------------------------------------------------------------


@pytest.mark.parametrize(
    "what",
    [["time"], ["place"], ["agenda"], ["time", "place"], ["cancelled"]],
)
def test_no_neutral_notice_says_a_revealing_word_and_each_is_one_text(
    published, sam, sam_safe, what
):
    sam.safe_contact = sam_safe
    # The longest day names there are, before and after.
    published.starts_at = dt.datetime(2027, 9, 29, 10, 30, tzinfo=LONDON)
    change = SessionChange(
        session=published, what=what, made_at=dt.datetime(2027, 9, 22, 18, tzinfo=LONDON),
        version=1,
        before={"starts_at": dt.datetime(2027, 9, 30, 10, 30, tzinfo=LONDON).isoformat()},
    )  # fmt: skip
    published.online_link = "https://meet.example.org/tuesday-group"
    texts = [
        notices.change_words(
            sam, clear=False, session=published, changes=[change], group_name="Tuesday group"
        ),
        notices.agenda_words(
            sam, clear=False, session=published, group_name="Tuesday group", asked_about=True
        ),
        notices.day_before_words(sam, clear=False, session=published, group_name="Tuesday group"),
    ]
    for subject, body in texts:
        assert revealing(subject) == []
        assert revealing(body) == []
        assert "meet.example.org" not in body
        assert "Mill Lane" not in body
        assert len(body) <= 160, body  # one text message
