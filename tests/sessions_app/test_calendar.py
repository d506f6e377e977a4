"""Calendars, parsed back with `icalendar`: a fortnightly series is one recurring event
with its exceptions (a date called off, a date taken out, a date still a draft) and
one event for the date that moved; members' events are neutral and carry a place only
when she chose it, never the online link; staff see their groups' dates, drafts too.
Her address works until she stops it or makes a new one; each page answers each role;
the feed runs the same number of queries with 5 sessions as with 50."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from coproduction.audit.models import AuditEvent
from sessions_app import download as sessions_download
from sessions_app.models import CalendarFeed, GroupSession
from sessions_app.services import calendar
from sessions_app.services import sessions as planning
from tests.sessions_app.test_planning import ready
from tests.sessions_app.test_wording import revealing

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 1, 4, 9, tzinfo=LONDON)
ADDRESS = "Riverside Women's Centre, 12 Mill Lane"
LINK = "https://meet.example.org/tuesday-room"
INTERNAL = "Reception access – complaints work"
RULE = "FREQ=WEEKLY;INTERVAL=2;COUNT=8"


@pytest.fixture(autouse=True)
def _january():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: dt.date, hour: int = 10, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def publish(session, helen) -> None:
    planning.agenda_item_save(session=session, acting_user=helen, purpose="Welcome and tea")
    assert planning.session_publish(session=session, acting_user=helen)
    session.refresh_from_db()


@pytest.fixture
def series(tuesday_group, helen, helen_fac):
    """Every other Tuesday from 12 January 2027, 10:30–12:30, eight dates (the clocks
    go forward on 28 March): all published but the fourth, which is still a draft; the
    second called off; the third moved from Tuesday 9 to Wednesday 10 February."""
    ready(helen)
    made = planning.series_create(
        group=tuesday_group, acting_user=helen, rule=RULE, first_day=dt.date(2027, 1, 12),
        starts=dt.time(10, 30), ends=dt.time(12, 30), facilitators=[helen], address=ADDRESS,
        online_link=LINK, internal_title=INTERNAL,
    )  # fmt: skip
    dates = list(made.sessions.order_by("occurrence"))
    for index, session in enumerate(dates):
        if index != 3:
            publish(session, helen)
    planning.session_cancel(session=dates[1], acting_user=helen)
    planning.session_update(
        session=dates[2], acting_user=helen, starts_at=at(dt.date(2027, 2, 10)),
        ends_at=at(dt.date(2027, 2, 10), 12, 30),
    )  # fmt: skip
    return made


def dates_of(series) -> list[GroupSession]:
    return list(series.sessions.order_by("occurrence"))


def one_date(group, helen, day: dt.date, **details) -> GroupSession:
    return planning.session_create(
        group=group, acting_user=helen, starts_at=at(day, 14), ends_at=at(day, 16),
        facilitators=[helen], **details,
    )  # fmt: skip


def feed_of(person, *, with_place=False) -> bytes:
    secret = calendar.feed_create(person=person, with_place=with_place)
    return calendar.person_calendar(calendar.feed_for_secret(secret))


def events(body: bytes, uid: str | None = None) -> list:
    found = Calendar.from_ical(body).walk("VEVENT")
    return [e for e in found if uid is None or str(e["UID"]) == uid]


def master_of(body: bytes, series) -> object:
    (master,) = [e for e in events(body, f"series-{series.pk}@hearth") if "RRULE" in e]
    return master


def overrides_of(body: bytes, series) -> dict[dt.datetime, object]:
    return {
        e["RECURRENCE-ID"].dt: e
        for e in events(body, f"series-{series.pk}@hearth")
        if "RECURRENCE-ID" in e
    }


# --- a series, as one recurring event ------------------------------------------------


def test_a_fortnightly_series_is_one_recurring_event(series, sam, sam_membership):
    body = feed_of(sam)
    master = master_of(body, series)
    rule = master["RRULE"]
    assert (rule["FREQ"], rule["INTERVAL"], rule["COUNT"]) == (["WEEKLY"], [2], [8])
    assert master["DTSTART"].dt == at(dt.date(2027, 1, 12))
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    assert master["DTEND"].dt == at(dt.date(2027, 1, 12), 12, 30)
    # One VEVENT for the series, one for the date that moved: nothing else.
    assert len(events(body)) == 2
    assert [tz["TZID"] for tz in Calendar.from_ical(body).walk("VTIMEZONE")] == ["Europe/London"]


def test_the_date_called_off_and_the_draft_are_exceptions_for_a_member(series, sam, sam_membership):
    master = master_of(feed_of(sam), series)
    assert master.exdates == [at(dt.date(2027, 1, 26)), at(dt.date(2027, 2, 23))]
    assert master["EXDATE"].params["TZID"] == "Europe/London"


def test_the_moved_date_is_an_event_named_by_its_recurrence_id(series, sam, sam_membership):
    body = feed_of(sam)
    moved = dates_of(series)[2]
    overrides = overrides_of(body, series)
    assert list(overrides) == [at(dt.date(2027, 2, 9))]
    event = overrides[at(dt.date(2027, 2, 9))]
    assert event["RECURRENCE-ID"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt == at(dt.date(2027, 2, 10))
    assert event["DTEND"].dt == at(dt.date(2027, 2, 10), 12, 30)
    assert event["SEQUENCE"] == moved.version > 0
    assert str(event["SUMMARY"]) == "Wednesday meet-up"


def test_the_rule_keeps_10_30_local_after_the_clocks_go_forward(series, sam, sam_membership):
    """The recurring event is read back as a calendar app reads it: every date the rule
    gives is at 10:30 London time, GMT in winter and BST in April."""
    master = master_of(feed_of(sam), series)
    starts = [master["DTSTART"].dt + dt.timedelta(weeks=2 * n) for n in range(8)]
    local = [moment.astimezone(LONDON) for moment in starts]
    assert {moment.time() for moment in local} == {dt.time(10, 30)}
    assert local[-1].utcoffset() == dt.timedelta(hours=1)
    assert local[0].utcoffset() == dt.timedelta(0)


def test_a_date_taken_out_of_the_series_is_an_exception_and_an_event_of_its_own(
    series, sam, sam_membership
):
    detached = dates_of(series)[5]
    GroupSession.objects.filter(pk=detached.pk).update(series=None)
    body = feed_of(sam)
    assert at(dt.date(2027, 3, 23)) in master_of(body, series).exdates
    (alone,) = events(body, f"session-{detached.pk}@hearth")
    assert alone["DTSTART"].dt == at(dt.date(2027, 3, 23))
    assert "RRULE" not in alone and "RECURRENCE-ID" not in alone


def test_a_series_with_every_date_called_off_shows_each_date_cancelled(
    tuesday_group, helen, helen_fac, sam, sam_membership
):
    ready(helen)
    made = planning.series_create(
        group=tuesday_group, acting_user=helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=2",
        first_day=dt.date(2027, 1, 12), starts=dt.time(10, 30), ends=dt.time(12, 30),
        facilitators=[helen],
    )  # fmt: skip
    for session in dates_of(made):
        publish(session, helen)
        planning.session_cancel(session=session, acting_user=helen)
    found = events(feed_of(sam))
    assert len(found) == 2
    assert {str(e["STATUS"]) for e in found} == {"CANCELLED"}
    assert all("RRULE" not in e for e in found)


# --- dates on their own ----------------------------------------------------------------


def test_a_single_date_is_one_event_and_a_cancelled_one_says_so(
    tuesday_group, helen, helen_fac, sam, sam_membership
):
    ready(helen)
    on = one_date(tuesday_group, helen, dt.date(2027, 1, 20), address=ADDRESS)
    off = one_date(tuesday_group, helen, dt.date(2027, 1, 27))
    publish(on, helen)
    publish(off, helen)
    planning.session_cancel(session=off, acting_user=helen)
    off.refresh_from_db()
    body = feed_of(sam)
    (event,) = events(body, f"session-{on.pk}@hearth")
    assert event["DTSTART"].dt == at(dt.date(2027, 1, 20), 14)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert str(event["STATUS"]) == "CONFIRMED"
    (cancelled,) = events(body, f"session-{off.pk}@hearth")
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == off.version == 1


# --- what a member's calendar says -----------------------------------------------------


def test_member_events_are_neutral_without_place_or_link(series, sam, sam_membership):
    body = feed_of(sam)
    text = body.decode()
    for event in events(body):
        assert str(event["SUMMARY"]).endswith("meet-up")
        assert "DESCRIPTION" not in event
        assert "LOCATION" not in event
        assert str(event["CLASS"]) == "PRIVATE"
    unfolded = text.replace("\r\n ", "")
    for secret in (INTERNAL, "Mill Lane", LINK, "meet.example.org", "Tuesday group", "Primary"):
        assert secret not in unfolded
    # What a calendar app shows (its name, each title) names nothing.
    shown = [str(e["SUMMARY"]) for e in events(body)] + [
        str(Calendar.from_ical(body).get(name, "")) for name in ("NAME", "X-WR-CALNAME")
    ]
    assert [revealing(text) for text in shown] == [[] for _text in shown]
    assert str(master_of(body, series)["SUMMARY"]) == "Tuesday meet-up"


def test_with_place_she_sees_the_address_and_still_no_link(series, sam, sam_membership):
    body = feed_of(sam, with_place=True)
    unfolded = body.decode().replace("\r\n ", "")
    for event in events(body):
        assert str(event["LOCATION"]) == ADDRESS
    assert LINK not in unfolded and "meet.example.org" not in unfolded
    assert INTERNAL not in unfolded


def test_a_member_sees_only_her_groups_announced_dates(
    series, tuesday_group, helen, sam, sam_membership, aisha
):
    draft = one_date(tuesday_group, helen, dt.date(2027, 1, 21))
    assert events(feed_of(sam), f"session-{draft.pk}@hearth") == []
    assert events(feed_of(aisha)) == []


# --- what a staff calendar says ----------------------------------------------------------


def test_staff_see_internal_titles_drafts_and_the_address_they_chose(
    series, tuesday_group, helen, helen_fac, dee, tom
):
    draft = one_date(tuesday_group, helen, dt.date(2027, 1, 21), internal_title="Planning day")
    body = feed_of(helen, with_place=True)
    master = master_of(body, series)
    assert str(master["SUMMARY"]) == INTERNAL
    assert str(master["LOCATION"]) == ADDRESS
    assert "Primary care access – Tuesday" in str(master["DESCRIPTION"])
    # Only the date called off is an exception: the draft date is hers to see, tentative.
    assert master.exdates == [at(dt.date(2027, 1, 26))]
    overrides = overrides_of(body, series)
    assert str(overrides[at(dt.date(2027, 2, 23))]["STATUS"]) == "TENTATIVE"
    (single,) = events(body, f"session-{draft.pk}@hearth")
    assert (str(single["SUMMARY"]), str(single["STATUS"])) == ("Planning day", "TENTATIVE")
    assert LINK not in body.decode().replace("\r\n ", "")
    # Dee supports in the group: she sees its dates too. Tom is in another group.
    assert len(events(feed_of(dee))) == len(events(body))
    assert events(feed_of(tom)) == []
    # Without the place she asked to leave out.
    assert "LOCATION" not in master_of(feed_of(helen), series)


# --- her address -------------------------------------------------------------------------


def test_feed_create_twice_leaves_one_live_feed(sam, sam_membership):
    first = calendar.feed_create(person=sam)
    second = calendar.feed_create(person=sam, with_place=True)
    assert first != second
    assert CalendarFeed.objects.filter(person=sam, revoked_at__isnull=True).count() == 1
    assert calendar.feed_for_secret(first) is None
    live = calendar.feed_for_secret(second)
    assert live.person == sam and live.with_place
    # Only the hash is kept.
    assert not CalendarFeed.objects.filter(secret_hash__in=[first, second]).exists()
    assert AuditEvent.objects.filter(action="calendar_feed.create", subject_user=sam).count() == 2


def test_feed_revoke_twice_is_once(sam, sam_membership):
    secret = calendar.feed_create(person=sam)
    assert calendar.feed_revoke(person=sam) is True
    assert calendar.feed_revoke(person=sam) is False
    assert calendar.feed_for_secret(secret) is None
    assert AuditEvent.objects.filter(action="calendar_feed.revoke", subject_user=sam).count() == 1


def test_a_closed_account_has_no_feed(sam, sam_membership):
    secret = calendar.feed_create(person=sam)
    sam.is_active = False
    sam.save(update_fields=["is_active"])
    assert calendar.feed_for_secret(secret) is None
    assert calendar.feed_for_secret("") is None


def test_her_download_lists_her_addresses_never_the_secret(sam, sam_membership):
    secret = calendar.feed_create(person=sam, with_place=True)
    calendar.feed_revoke(person=sam)
    section = sessions_download.sessions(sam)
    (row,) = section["calendar_addresses"]
    assert row["shows_where"] == "Yes" and row["made"] and row["stopped"]
    feed = CalendarFeed.objects.get(person=sam)
    assert secret not in str(section) and feed.secret_hash not in str(section)


# --- the feed's address ------------------------------------------------------------------


def feed_url(secret: str) -> str:
    return reverse("sessions_app:calendar_feed", args=[secret])


def test_the_feed_answers_without_sign_in(client, series, sam, sam_membership):
    secret = calendar.feed_create(person=sam)
    response = client.get(feed_url(secret))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    assert master_of(response.content, series)["RRULE"]["INTERVAL"] == [2]


def test_a_revoked_or_unknown_address_is_not_found_and_not_logged(
    client, sam, sam_membership, caplog
):
    secret = calendar.feed_create(person=sam)
    calendar.feed_revoke(person=sam)
    with caplog.at_level(logging.DEBUG):
        assert client.get(feed_url(secret)).status_code == 404
        assert client.get(feed_url("not-a-secret-at-all")).status_code == 404
    assert secret not in caplog.text
    assert "not-a-secret-at-all" not in caplog.text


def test_a_new_address_stops_the_old_one(client, sam, sam_membership):
    old = calendar.feed_create(person=sam)
    new = calendar.feed_create(person=sam)
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_the_feed_is_get_only_and_a_refusal_does_not_log_the_secret(sam, sam_membership, caplog):
    secret = calendar.feed_create(person=sam)
    # A client that checks CSRF, as browsers meet it: the refusal is still the 405.
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.DEBUG):
        assert client.post(feed_url(secret)).status_code == 405
        assert client.put(feed_url(secret)).status_code == 405
        assert client.head(feed_url(secret)).status_code == 200
    assert secret not in caplog.text
    assert "Method Not Allowed (POST): a calendar address" in caplog.text


def _make_dates(group, helen, count: int) -> None:
    """`count` more published dates: a series of most of them and a few on their own."""
    existing = GroupSession.objects.filter(group=group).count()
    start = dt.date(2027, 1, 12) + dt.timedelta(days=existing * 7 + 300)
    alone = min(count, 3)
    made = planning.series_create(
        group=group, acting_user=helen, rule=f"FREQ=WEEKLY;COUNT={count - alone}",
        first_day=start, starts=dt.time(10, 30), ends=dt.time(12, 30), facilitators=[helen],
        address=ADDRESS,
    ) if count > alone else None  # fmt: skip
    sessions = dates_of(made) if made else []
    for n in range(alone):
        sessions.append(one_date(group, helen, start - dt.timedelta(days=n + 1)))
    for session in sessions:
        publish(session, helen)
    # A moved date and one called off, so the feed has exceptions to build.
    if made:
        planning.session_update(
            session=sessions[0], acting_user=helen,
            starts_at=sessions[0].starts_at + dt.timedelta(hours=1),
            ends_at=sessions[0].ends_at + dt.timedelta(hours=1),
        )  # fmt: skip
        planning.session_cancel(session=sessions[1], acting_user=helen)


def test_dates_long_past_drop_out_of_the_feed(tuesday_group, helen, helen_fac, sam, sam_membership):
    ready(helen)
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        old = planning.session_create(
            group=tuesday_group, acting_user=helen, facilitators=[helen],
            starts_at=at(dt.date(2027, 1, 19), 10), ends_at=at(dt.date(2027, 1, 19), 12),
        )  # fmt: skip
        planning.agenda_item_save(session=old, acting_user=helen, purpose="Welcome")
        planning.session_publish(session=old, acting_user=helen)
        assert events(feed_of(sam), f"session-{old.pk}@hearth")
    # Its calendar app asks every hour: what ended months ago is not read each time.
    with time_machine.travel(dt.datetime(2027, 5, 4, 9, tzinfo=LONDON), tick=False):
        assert events(feed_of(sam), f"session-{old.pk}@hearth") == []


@pytest.mark.parametrize("who", ["sam", "helen"])
def test_the_feed_runs_the_same_queries_at_5_and_50_sessions(
    client, who, tuesday_group, helen, helen_fac, sam, sam_membership,
    django_assert_max_num_queries,
):  # fmt: skip
    ready(helen)
    person = {"sam": sam, "helen": helen}[who]
    secret = calendar.feed_create(person=person, with_place=True)
    _make_dates(tuesday_group, helen, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(feed_url(secret)).status_code == 200
    _make_dates(tuesday_group, helen, 45)
    assert GroupSession.objects.filter(group=tuesday_group).count() == 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(feed_url(secret))
    assert response.status_code == 200
    assert len(events(response.content)) >= 8


# --- her pages ---------------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    return client


def test_her_calendar_page_explains_and_makes_an_address_shown_once(client, sam, sam_membership):
    url = reverse("sessions_app:my_calendar")
    page = signed_in(client, sam).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anyone who has the address can see your dates" in text
    assert "Include where it is" in text
    made = client.post(url, {"with_place": "on"})
    assert made.status_code == 200
    feed = CalendarFeed.objects.get(person=sam, revoked_at__isnull=True)
    assert feed.with_place
    address = made.context["address"]
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    assert address in made.content.decode()
    assert made.context["webcal"].startswith("webcal://testserver/calendar/")
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar.feed_for_secret(secret) == feed
    again = client.get(url)
    assert address not in again.content.decode()
    assert "You made a calendar address on" in again.content.decode()
    assert "Stop my calendar address" in again.content.decode()


def test_her_calendar_page_answers_each_role(client, sam, sam_membership, helen, helen_fac):
    url = reverse("sessions_app:my_calendar")
    assert client.get(url).status_code == 302
    assert signed_in(client, helen).get(url).status_code == 403
    assert signed_in(client, helen).post(url).status_code == 403
    assert signed_in(client, sam).put(url).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_stopping_her_address(client, sam, sam_membership, helen, helen_fac):
    secret = calendar.feed_create(person=sam)
    url = reverse("sessions_app:my_calendar_stop")
    assert signed_in(client, sam).get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions_app:my_calendar")
    assert calendar.feed_for_secret(secret) is None
    # Twice is once, and says so.
    assert client.post(url, follow=True).status_code == 200
    assert AuditEvent.objects.filter(action="calendar_feed.revoke").count() == 1
    assert signed_in(client, helen).post(url).status_code == 403


def test_one_of_her_dates_as_a_file(client, series, sam, sam_membership, aisha, helen):
    session = dates_of(series)[0]
    url = reverse("sessions_app:my_session_ics", args=[session.pk])
    response = signed_in(client, sam).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="date.ics"'
    assert "no-store" in response["Cache-Control"]
    (event,) = events(response.content)
    assert str(event["UID"]) == f"session-{session.pk}@hearth"
    assert str(event["SUMMARY"]) == "Tuesday meet-up"
    assert "LOCATION" not in event and "RRULE" not in event
    unfolded = response.content.decode().replace("\r\n ", "")
    assert INTERNAL not in unfolded and LINK not in unfolded
    # With places chosen for her calendar address, the file carries it too.
    calendar.feed_create(person=sam, with_place=True)
    (event,) = events(client.get(url).content)
    assert str(event["LOCATION"]) == ADDRESS
    assert client.post(url).status_code == 405
    assert signed_in(client, aisha).get(url).status_code == 404
    assert signed_in(client, helen).get(url).status_code == 403


def test_a_draft_date_is_not_hers_to_download(client, series, sam, sam_membership):
    draft = dates_of(series)[3]
    url = reverse("sessions_app:my_session_ics", args=[draft.pk])
    assert signed_in(client, sam).get(url).status_code == 404


# --- staff pages -------------------------------------------------------------------------


def test_a_date_of_the_group_as_a_file_for_staff(
    client, series, tuesday_group, helen, dee, tom, sam, sam_membership
):
    session = dates_of(series)[3]
    url = reverse("sessions_app:session_ics", args=[tuesday_group.pk, session.pk])
    response = signed_in(client, helen).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="session.ics"'
    (event,) = events(response.content)
    assert str(event["SUMMARY"]) == INTERNAL
    assert str(event["LOCATION"]) == ADDRESS
    assert str(event["STATUS"]) == "TENTATIVE"
    assert signed_in(client, dee).get(url).status_code == 200
    assert signed_in(client, tom).get(url).status_code == 404
    assert signed_in(client, sam).get(url).status_code == 403
    assert signed_in(client, helen).post(url).status_code == 405
    elsewhere = reverse("sessions_app:session_ics", args=[tuesday_group.pk, 999_999])
    assert signed_in(client, helen).get(elsewhere).status_code == 404


def test_her_staff_calendar_page(client, helen, helen_fac, sam, sam_membership):
    url = reverse("sessions_app:my_staff_calendar")
    assert signed_in(client, helen).get(url).status_code == 200
    made = client.post(url, {})
    assert made.status_code == 200
    assert made.context["address"] in made.content.decode()
    assert not CalendarFeed.objects.get(person=helen).with_place
    assert client.put(url).status_code == 405
    assert signed_in(client, sam).get(url).status_code == 403
    stop = reverse("sessions_app:my_staff_calendar_stop")
    assert signed_in(client, helen).get(stop).status_code == 405
    assert client.post(stop).status_code == 302
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert signed_in(client, sam).post(stop).status_code == 403


def test_the_dates_pages_link_to_the_calendar(client, sam, sam_membership):
    calendar_url = reverse("sessions_app:my_calendar")
    for name in ("sessions_app:my_sessions", "consent:my_more"):
        page = signed_in(client, sam).get(reverse(name))
        assert calendar_url in page.content.decode(), name
