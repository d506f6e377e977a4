"""The planning pages and her session pages: each works; an outsider gets 404; a wrong
role gets 403; the wrong method is refused; bad input is a clear message; and the pages
people open most run the same queries with 5 sessions as with 500."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from groups.models import CoproGroup, Profile
from sessions_app.models import AgendaItem, Attendance, GroupSession, SessionChoices, StepOut
from sessions_app.services import sessions as planning
from tests.sessions_app.test_planning import ready

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 1, 4, 19, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _an_evening_in_january():
    with time_machine.travel(NOW, tick=False):
        yield


def a_session(group, helen, *, days=8, status=GroupSession.Status.PUBLISHED, **extra):
    start = dt.datetime.combine(
        NOW.date() + dt.timedelta(days=days), dt.time(10, 30), tzinfo=LONDON
    )
    session = GroupSession.objects.create(
        group=group, starts_at=start, ends_at=start + dt.timedelta(hours=2), status=status,
        address="12 Mill Lane", **extra,
    )  # fmt: skip
    session.facilitators.add(helen)
    return session


@pytest.fixture
def session(tuesday_group, helen, helen_fac):
    made = a_session(tuesday_group, helen)
    AgendaItem.objects.create(
        session=made, position=1, purpose="Reception desks", content_notes=["services"],
        content_note_text="Stories of being turned away",
    )  # fmt: skip
    return made


@pytest.fixture
def draft(tuesday_group, helen, helen_fac):
    return a_session(tuesday_group, helen, days=15, status=GroupSession.Status.DRAFT)


def signed_in(client, user):
    client.force_login(user)
    return client


def staff_url(name, group, *args):
    return reverse(f"sessions_app:{name}", args=[group.pk, *args])


# --- who may open what -----------------------------------------------------------------


STAFF_GETS = ("session_list", "group_dashboard")


@pytest.mark.parametrize("name", ["session_list", "session_new"])
def test_group_pages_answer_each_role(
    client, name, tuesday_group, helen_fac, helen, dee, tom, sam, sam_membership
):
    url = staff_url(name, tuesday_group)
    expected = {helen: 200, dee: 200 if name == "session_list" else 403, tom: 404, sam: 403}
    for person, status in expected.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).put(url).status_code == 405


def test_the_dashboard_is_for_the_groups_facilitators(
    client, tuesday_group, helen, helen_fac, dee, tom, sam, sam_membership
):
    url = staff_url("group_dashboard", tuesday_group)
    for person, status in {helen: 200, dee: 403, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).post(url).status_code == 405


SESSION_PAGES = {
    # name: (GET status for a support worker, refused method)
    "session_detail": (200, "post"),
    "session_edit": (403, "put"),
    "session_cancel": (403, "put"),
    "session_attendance": (403, "put"),
    "agenda_item_new": (403, "put"),
}


@pytest.mark.parametrize("name", SESSION_PAGES)
def test_session_pages_answer_each_role(
    client, name, session, tuesday_group, helen, dee, tom, sam, sam_membership
):
    url = staff_url(name, tuesday_group, session.pk)
    worker, refused = SESSION_PAGES[name]
    for person, status in {helen: 200, dee: worker, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert getattr(signed_in(client, helen), refused)(url).status_code == 405


@pytest.mark.parametrize(
    "name", ["session_roster", "session_publish", "agenda_item_remove", "agenda_item_move"]
)
def test_actions_are_posts_for_facilitators(client, name, session, tuesday_group, helen, dee, tom):
    args = [session.pk] + ([session.agenda.get().pk] if name.startswith("agenda") else [])
    url = staff_url(name, tuesday_group, *args)
    assert signed_in(client, helen).get(url).status_code == 405
    assert signed_in(client, dee).post(url).status_code == 403
    assert signed_in(client, tom).post(url).status_code == 404


def test_a_session_of_another_group_is_not_found(client, session, thursday_group, tom):
    url = staff_url("session_detail", thursday_group, session.pk)
    assert signed_in(client, tom).get(url).status_code == 404


# --- planning, end to end --------------------------------------------------------------


def series_form(helen, **changes):
    return {
        "first_day": "2027-01-12", "starts": "10:30", "ends": "12:30", "repeat": "2",
        "times": "10", "facilitators": [helen.pk], "address": "12 Mill Lane",
        "getting_there": "Bus 42 to Mill Lane", "step_free": "on", "quiet_room": "on",
        "toilets": "Ground floor, accessible", "breaks": "Tea at 11:30", "debrief": "on",
        **changes,
    }  # fmt: skip


def test_helen_makes_a_fortnightly_series_in_one_step(client, tuesday_group, helen, helen_fac):
    response = signed_in(client, helen).post(
        staff_url("session_new", tuesday_group), series_form(helen)
    )
    sessions = list(GroupSession.objects.order_by("starts_at"))
    assert len(sessions) == 10
    assert response.status_code == 302 and response["Location"] == staff_url(
        "session_detail", tuesday_group, sessions[0].pk
    )
    assert sessions[0].series.rule == "FREQ=WEEKLY;INTERVAL=2;COUNT=10"
    assert (sessions[0].step_free, sessions[0].toilets) == (True, "Ground floor, accessible")
    page = client.get(response["Location"]).content.decode()
    assert "Tuesday meet-up" in page and "Add at least one part to the plan" in page


def test_one_date_alone(client, tuesday_group, helen, helen_fac):
    signed_in(client, helen).post(
        staff_url("session_new", tuesday_group), series_form(helen, repeat="once")
    )
    session = GroupSession.objects.get()
    assert session.series is None
    assert session.starts_at == dt.datetime(2027, 1, 12, 10, 30, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"address": "", "online_link": ""}, "Please give an address or an online link."),
        ({"ends": "09:00"}, "The end must be after the start."),
        ({"facilitators": []}, "Please choose at least one facilitator."),
        ({"first_day": "2026-01-01"}, "cannot be in the past"),
        ({"times": "99"}, "less than or equal to 52"),
        ({"online_link": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_bad_input_says_what_to_fix_and_makes_nothing(
    client, tuesday_group, helen, helen_fac, changes, words
):
    response = signed_in(client, helen).post(
        staff_url("session_new", tuesday_group), series_form(helen, **changes)
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not GroupSession.objects.exists()


def test_helen_adds_a_content_note_and_publishes(client, draft, tuesday_group, helen):
    ready(helen)
    signed_in(client, helen)
    response = client.post(
        staff_url("agenda_item_new", tuesday_group, draft.pk),
        {"purpose": "Reception desks", "content_notes": ["services"], "at_time": "10:45"},
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get().content_notes == ["services"]
    client.post(staff_url("session_publish", tuesday_group, draft.pk))
    draft.refresh_from_db()
    assert draft.status == GroupSession.Status.PUBLISHED


def test_publishing_under_block_says_what_is_missing_and_who_can_fix_it(
    client, draft, tuesday_group, helen, ruth
):
    tuesday_group.training_policy = CoproGroup.TrainingPolicy.BLOCK
    tuesday_group.save()
    AgendaItem.objects.create(session=draft, position=1, purpose="Welcome")
    signed_in(client, helen)
    detail = client.get(staff_url("session_detail", tuesday_group, draft.pk)).content.decode()
    assert "Not ready to publish" in detail and "Ruth Patel" in detail
    response = client.post(staff_url("session_publish", tuesday_group, draft.pk), follow=True)
    page = response.content.decode()
    assert "Safeguarding adults and children" in page and "Ruth Patel" in page
    draft.refresh_from_db()
    assert draft.status == GroupSession.Status.DRAFT


def test_rostering_someone_unready_warns_on_the_page(client, draft, tuesday_group, helen):
    response = signed_in(client, helen).post(
        staff_url("session_roster", tuesday_group, draft.pk), {"person": helen.pk}, follow=True
    )
    assert "training is not current on the day" in response.content.decode()


def test_moving_a_published_date_tells_the_page_and_the_log(
    client, session, tuesday_group, helen, monkeypatch
):
    told = []
    monkeypatch.setattr(
        planning.session_notices, "change_notices_queue", lambda *, change: told.append(change)
    )
    response = signed_in(client, helen).post(
        staff_url("session_edit", tuesday_group, session.pk),
        {"day": "2027-01-13", "starts": "10:30", "ends": "12:30", "address": "12 Mill Lane",
         "debrief": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2027, 1, 13, 10, 30, tzinfo=LONDON)
    assert [change.what for change in told] == [["time"]]
    page = client.get(staff_url("session_detail", tuesday_group, session.pk)).content.decode()
    assert "What members were told changed" in page


def test_who_came_is_recorded_with_hours(
    client, session, tuesday_group, helen, sam, sam_membership, maria, maria_membership
):
    url = staff_url("session_attendance", tuesday_group, session.pk)
    with time_machine.travel(session.ends_at, tick=False):
        signed_in(client, helen)
        assert (
            client.post(url, {f"came_{sam.pk}": "on", f"hours_{sam.pk}": "abc"}).status_code == 200
        )
        assert not Attendance.objects.exists()
        response = client.post(url, {f"came_{sam.pk}": "on", f"hours_{sam.pk}": "1.5"})
    assert response.status_code == 302
    assert Attendance.objects.get(member=sam).hours == 1.5
    assert not Attendance.objects.get(member=maria).came


# --- her pages -------------------------------------------------------------------------


@pytest.fixture
def sam_client(client, sam, sam_membership):
    return signed_in(client, sam)


def test_sam_sees_her_next_date_and_what_to_expect(sam_client, session, draft):
    home = sam_client.get(reverse("member_home")).content.decode()
    assert "Your next date" in home and "Tuesday meet-up" in home
    page = sam_client.get(reverse("sessions_app:my_session", args=[session.pk])).content.decode()
    assert "Being let down by services" in page and "Stories of being turned away" in page
    assert "12 Mill Lane" in page and "I can't come" in page
    # A draft is nobody's business yet.
    assert sam_client.get(reverse("sessions_app:my_session", args=[draft.pk])).status_code == 404


def test_her_pages_answer_each_role(client, session, sam, sam_membership, aisha, helen):
    page = reverse("sessions_app:my_session", args=[session.pk])
    for person, status in {sam: 200, aisha: 404, helen: 403}.items():
        assert signed_in(client, person).get(page).status_code == status, person
    for name in ("my_sessions", "my_session_choices"):
        url = reverse(f"sessions_app:{name}")
        assert signed_in(client, sam).get(url).status_code == 200
        assert signed_in(client, helen).get(url).status_code == 403
        assert signed_in(client, sam).put(url).status_code == 405
    assert signed_in(client, sam).post(page).status_code == 405


def test_sam_says_she_cant_come_without_a_reason(sam_client, session, sam, aisha, client):
    url = reverse("sessions_app:my_session_plan", args=[session.pk])
    assert sam_client.get(url).status_code == 405
    page = sam_client.post(url, {"plan": "cant_come"}, follow=True).content.decode()
    assert "You never need to say why" in page and "I can come after all" in page
    assert Attendance.objects.get(member=sam).plan == "cant_come"
    assert AuditEvent.objects.filter(action="attendance.plan", subject_user=sam).exists()
    assert signed_in(client, aisha).post(url, {"plan": "cant_come"}).status_code == 404


def test_sam_says_she_will_come_and_helen_sees_what_helps_her(
    sam_client, session, sam, client, helen, tuesday_group
):
    Profile.objects.create(user=sam, preferred_name="Sam", access_needs=["quiet_room"])
    url = reverse("sessions_app:my_session_plan", args=[session.pk])
    page = sam_client.post(url, {"plan": "coming"}, follow=True).content.decode()
    assert "You said you'll come." in page and "I can't come" in page
    assert Attendance.objects.get(member=sam).plan == "coming"
    dashboard = signed_in(client, helen).get(staff_url("group_dashboard", tuesday_group))
    text = dashboard.content.decode()
    assert "Sam" in text and str(Profile.AccessNeed("quiet_room").label) in text


def test_the_list_counts_each_cant_come_once_however_long_the_plan(
    client, session, sam, sam_membership, maria, maria_membership, helen, tuesday_group
):
    for position in (2, 3, 4):
        AgendaItem.objects.create(session=session, position=position, purpose=f"Part {position}")
    for member in (sam, maria):
        Attendance.objects.create(session=session, member=member, plan="cant_come")
    listed = signed_in(client, helen).get(staff_url("session_list", tuesday_group))
    [row] = listed.context["rows"]
    assert (row["session"].items, row["cant_come"]) == (4, 2)


def test_sam_marks_a_part_to_step_out_of(sam_client, session, sam):
    item = session.agenda.get()
    url = reverse("sessions_app:my_step_out", args=[session.pk, item.pk])
    page = sam_client.post(url, {"out": "1"}, follow=True).content.decode()
    assert "step out for this one." in page
    assert StepOut.objects.filter(member=sam, item=item).exists()
    sam_client.post(url, {"out": "0"})
    assert not StepOut.objects.exists()


def test_another_sessions_part_is_not_found(sam_client, session, draft):
    item = session.agenda.get()
    url = reverse("sessions_app:my_step_out", args=[draft.pk, item.pk])
    assert sam_client.post(url, {"out": "1"}).status_code == 404


def test_maria_sees_the_moved_date_marked_changed_until_she_looks(
    client, session, helen, maria, maria_membership, monkeypatch
):
    monkeypatch.setattr(planning.session_notices, "change_notices_queue", lambda *, change: 0)
    moved = session.starts_at + dt.timedelta(days=1)
    planning.session_update(
        session=session, acting_user=helen, starts_at=moved, ends_at=moved + dt.timedelta(hours=2)
    )
    signed_in(client, maria)
    listing = client.get(reverse("sessions_app:my_sessions")).content.decode()
    assert "Changed" in listing and "Wednesday" in listing
    page = client.get(reverse("sessions_app:my_session", args=[session.pk])).content.decode()
    assert "The time changed on" in page
    assert "Changed" not in client.get(reverse("sessions_app:my_sessions")).content.decode()


def test_she_chooses_a_reminder_and_topics_once(sam_client, sam):
    url = reverse("sessions_app:my_session_choices")
    assert sam_client.post(url, {"day_before": "on", "topics": ["violence"]}).status_code == 302
    choices = SessionChoices.objects.get(member=sam)
    assert (choices.day_before, choices.topics) == (True, ["violence"])
    assert sam_client.post(url, {"topics": ["gossip"]}).status_code == 200


# --- a fixed number of queries ---------------------------------------------------------


def many(group, helen, count):
    """`count` published sessions of `group`, half past and half to come."""
    made = GroupSession.objects.bulk_create(
        GroupSession(
            group=group,
            status=GroupSession.Status.PUBLISHED,
            address="12 Mill Lane",
            starts_at=NOW + dt.timedelta(days=day),
            ends_at=NOW + dt.timedelta(days=day, hours=2),
        )  # fmt: skip
        for day in range(-count // 2, count - count // 2)
    )
    through = GroupSession.facilitators.through
    through.objects.bulk_create(through(groupsession_id=s.pk, user_id=helen.pk) for s in made)
    AgendaItem.objects.bulk_create(
        AgendaItem(session=s, position=1, purpose="Welcome", content_notes=["loss"]) for s in made
    )
    return made


def queries(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [5, 500])
def test_her_pages_cost_the_same_whatever_the_history(
    client,
    count,
    tuesday_group,
    helen,
    helen_fac,
    sam,
    sam_membership,
    django_assert_max_num_queries,
):
    Profile.objects.create(user=sam, preferred_name="Sam")
    sessions = many(tuesday_group, helen, count)
    signed_in(client, sam)
    client.get(reverse("member_home"))
    next_one = next(s for s in sessions if s.starts_at > NOW)
    for url, limit in (
        (reverse("member_home"), 11),
        (reverse("sessions_app:my_sessions"), 6),
        (reverse("sessions_app:my_session", args=[next_one.pk]), 16),
    ):
        queries(client, django_assert_max_num_queries, url, limit)


@pytest.mark.parametrize("count", [5, 500])
def test_the_dashboard_and_list_cost_the_same_whatever_the_history(
    client,
    count,
    tuesday_group,
    helen,
    helen_fac,
    sam,
    sam_membership,
    django_assert_max_num_queries,
):
    many(tuesday_group, helen, count)
    signed_in(client, helen)
    for url, limit in (
        (staff_url("group_dashboard", tuesday_group), 18),
        (staff_url("session_list", tuesday_group), 14),
    ):
        queries(client, django_assert_max_num_queries, url, limit)
