"""Sessions in a real Chromium: Helen plans a fortnightly series, puts herself on it,
adds a part with a content note and publishes it; Sam, on her phone, sees her next
date and its content note, says she will step out of that part and that she can't
come (with JavaScript off too); Maria sees the date that moved marked "changed" until
she has looked. axe (WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on any page of
sessions: staff pages at desktop size, member pages at phone size, each form with its
errors showing too, and no page scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from consent.models import Contribution, Visibility
from groups.models import Membership, Training
from sessions_app.member_pages import her_when
from sessions_app.models import (
    AgendaItem,
    Attendance,
    GroupSession,
    ServiceChange,
    SessionSeen,
    SessionSeries,
    StepOut,
)
from sessions_app.services import changes as change_records
from sessions_app.services import notes, taking_part
from sessions_app.services import sessions as planning
from sessions_app.services.sessions import wall_clock
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journeys import heading
from tests.browser.test_support_between_sessions import check_page
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory
from tests.groups.staff_data import give_details, give_sam_her_details

LONDON = ZoneInfo("Europe/London")
PLACE = {
    "address": "Riverside Women's Centre\n12 Mill Lane",
    "getting_there": "Bus 42 to Mill Lane. The blue door at the side; Dee meets you there.",
    "step_free": True,
    "quiet_room": True,
    "toilets": "On the ground floor, one accessible.",
    "breaks": "A 15-minute break at 11:30, with tea.",
}
WELCOME = "Welcome and tea"
RECEPTION = "Reception desks: what happens when you ring"
NOTE_WORDS = "Stories of being turned away"
CONTENT_NOTE = f"Being let down by services. {NOTE_WORDS}"
SERIES_RULE = "FREQ=WEEKLY;INTERVAL=2;COUNT=6"


# --- the world ------------------------------------------------------------------------


def trained(person) -> None:
    """Every course a facilitator needs, done a year ago and current for two more."""
    today = timezone.localdate()
    for kind in Training.REQUIRED_TO_FACILITATE:
        Training.objects.create(
            person=person,
            kind=kind,
            completed_on=today - dt.timedelta(days=365),
            expires_on=today + dt.timedelta(days=730),
        )


def make_world() -> SimpleNamespace:
    """The Tuesday group of PEOPLE.md: Helen facilitates, with current training, and so
    does Priya, whose training is not recorded; Dee is the support worker. Sam allows
    texts only, from "Jo"; Maria, e-mail on weekdays; Lou represents the members."""
    group = CoproGroupFactory(
        name="Primary care access – Tuesday", member_facing_name="Tuesday group"
    )
    helen = StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )
    priya = StaffFactory(username="priya", first_name="Priya", last_name="Shah")
    dee = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    for person, role in (
        (helen, Membership.Role.FACILITATOR),
        (priya, Membership.Role.FACILITATOR),
        (dee, Membership.Role.SUPPORT_WORKER),
    ):
        MembershipFactory(user=person, group=group, role=role)
    trained(helen)
    sam = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    give_sam_her_details(sam)
    MembershipFactory(user=sam, group=group, support_worker=dee)
    maria = UserFactory(username="maria", first_name="Maria", email="maria@example.org")
    give_details(maria, name="Maria", channels=["email"], safe_days=[0, 1, 2, 3, 4])
    MembershipFactory(user=maria, group=group)
    lou = UserFactory(username="lou", first_name="Lou", email="lou@example.org")
    give_details(lou, name="Lou", channels=["email"], safe_days=[0, 1, 2, 3, 4])
    MembershipFactory(user=lou, group=group, represents_members=True)
    return SimpleNamespace(
        group=group, helen=helen, priya=priya, dee=dee, sam=sam, maria=maria, lou=lou
    )


def tuesday_ahead(days: int = 8) -> dt.date:
    """The first Tuesday at least `days` from today: far enough ahead that its plan is
    not yet due to go out when it is published."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


def plan_sessions(w) -> None:
    """Every other Tuesday, four dates from `tuesday_ahead()`, 10:30–12:30, run by Helen;
    the first two with a plan (one part with a content note) and published."""
    series = planning.series_create(
        group=w.group, acting_user=w.helen, rule="FREQ=WEEKLY;INTERVAL=2;COUNT=4",
        first_day=tuesday_ahead(), starts=dt.time(10, 30), ends=dt.time(12, 30),
        time_zone="Europe/London", facilitators=[w.helen], **PLACE,
    )  # fmt: skip
    dates = list(series.sessions.order_by("starts_at"))
    for session in dates[:2]:
        planning.agenda_item_save(
            session=session, acting_user=w.helen, at_time=dt.time(10, 30), purpose=WELCOME
        )
        planning.agenda_item_save(
            session=session, acting_user=w.helen, at_time=dt.time(10, 45), purpose=RECEPTION,
            led_by="Helen and Lou", content_notes=["services"], content_note_text=NOTE_WORDS,
        )  # fmt: skip
        assert planning.session_publish(session=session, acting_user=w.helen)
    w.next, w.after, w.draft = (GroupSession.objects.get(pk=s.pk) for s in dates[:3])


def move_to_wednesday(w) -> None:
    """Maria's moment: after it was published, the next date moves from Tuesday to
    Wednesday, same time."""
    day = w.next.local_day + dt.timedelta(days=1)
    change = planning.session_update(
        session=w.next,
        acting_user=w.helen,
        starts_at=wall_clock(day, dt.time(10, 30), LONDON),
        ends_at=wall_clock(day, dt.time(12, 30), LONDON),
    )
    assert change is not None
    w.next.refresh_from_db()


def held_date(w, weeks_ago: int) -> GroupSession:
    """A Tuesday `weeks_ago` weeks back that was held: Sam came for all of it, Maria for
    an hour and a half."""
    day = timezone.localdate() - dt.timedelta(weeks=weeks_ago)
    day -= dt.timedelta(days=(day.weekday() - 1) % 7)
    start = wall_clock(day, dt.time(10, 30), LONDON)
    session = GroupSession.objects.create(
        group=w.group, starts_at=start, ends_at=start + dt.timedelta(hours=2),
        status=GroupSession.Status.PUBLISHED, published_at=start - dt.timedelta(days=7),
        occurrence=None, **PLACE,
    )  # fmt: skip
    session.facilitators.add(w.helen)
    taking_part.attendance_record(
        session=session,
        acting_user=w.helen,
        came={w.sam.pk: (True, None), w.maria.pk: (True, Decimal("1.5"))},
    )
    return session


def past_sessions(w) -> None:
    """Three held dates: the note of the latest is shared (Helen wrote it, Priya checked
    it), the next one's waits for Lou to check, the oldest has none yet. What members
    said, each shared as she chose; and "you said, we did", one of them done."""
    w.shared, w.to_check, w.unwritten = (held_date(w, weeks) for weeks in (2, 4, 6))
    said = {
        "maria": Contribution.objects.create(
            member=w.maria, group=w.group, visibility=Visibility.GROUP,
            text="A quiet place to wait, away from the desk.",
        ),
        "sam": Contribution.objects.create(
            member=w.sam, group=w.group, visibility=Visibility.FACILITATORS,
            text="Reception asked me why, loudly.",
        ),
        "sam_anonymised": Contribution.objects.create(
            member=w.sam, group=w.group, visibility=Visibility.ANONYMISED,
            text="Text before you call, please.",
        ),
    }  # fmt: skip
    note = notes.note_save(
        session=w.shared, acting_user=w.helen, contributions=list(said.values()),
        text="We talked about reception desks, and what would make ringing easier.",
    )  # fmt: skip
    notes.note_submit(note=note, acting_user=w.helen)
    notes.note_approve(note=note, acting_user=w.priya)
    note = notes.note_save(
        session=w.to_check, acting_user=w.helen, contributions=[said["maria"]],
        text="We looked at the practice's new leaflet together.",
    )  # fmt: skip
    notes.note_submit(note=note, acting_user=w.helen)
    today = timezone.localdate()
    w.done = change_records.service_change_save(
        group=w.group, acting_user=w.helen,
        you_said="Being called out by name in the waiting room feels unsafe.",
        we_did="Mill Lane now calls people by a number on the screen, if they prefer.",
        made_by="The practice manager at Mill Lane", status=ServiceChange.Status.DONE,
        proposed_on=today - dt.timedelta(days=60), done_on=today - dt.timedelta(days=5),
        sessions=[w.shared], contributions=[said["maria"]],
    )  # fmt: skip
    change_records.service_change_save(
        group=w.group, acting_user=w.helen, you_said="Text before calling, please.",
        we_did="The practice is trying texts first.", status=ServiceChange.Status.IN_PROGRESS,
    )  # fmt: skip
    change_records.service_change_save(
        group=w.group, acting_user=w.helen, you_said="Longer appointments for everyone.",
        status=ServiceChange.Status.NOT_POSSIBLE,
        why_not="The practice cannot pay for more GP time this year.",
    )  # fmt: skip


def full_world() -> SimpleNamespace:
    """Everything the pages of sessions show: dates to come (one moved, one draft),
    dates held with their notes, what members said about coming, and the changes."""
    w = make_world()
    plan_sessions(w)
    past_sessions(w)
    move_to_wednesday(w)
    taking_part.attendance_plan(member=w.maria, session=w.next, plan=Attendance.Plan.COMING)
    # Sam's choices on the date after: she can't come, and would step out of a part.
    taking_part.attendance_plan(member=w.sam, session=w.after, plan=Attendance.Plan.CANT_COME)
    taking_part.step_out_set(member=w.sam, item=w.after.agenda.get(purpose=RECEPTION), out=True)
    # Priya joins Helen on the next date, her training not recorded: the pages warn.
    planning.facilitator_add(session=w.next, acting_user=w.helen, person=w.priya)
    return w


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def in_item(page, purpose: str):
    """The card of one part of the plan, on her session page."""
    return page.locator(".card").filter(has=page.get_by_text(purpose, exact=True))


# --- 1. Helen plans a fortnightly series -----------------------------------------------


@pytest.mark.browser
def test_helen_plans_a_fortnightly_series_and_publishes_its_first_date(
    live_server, desktop_page, sign_in_with_password
):
    world = make_world()
    first_day = tuesday_ahead()
    page = desktop_page
    sign_in_with_password(page, "helen")
    page.goto(url(live_server, "sessions_app:session_list", world.group.pk))
    heading(page, "Coming sessions")
    expect(page.get_by_text("No sessions are planned yet.")).to_be_visible()
    page.get_by_role("link", name="Plan a session or a series").click()

    expect(page).to_have_url(url(live_server, "sessions_app:session_new", world.group.pk))
    heading(page, "Plan a session or a series")
    # She is on it to begin with: whoever plans it runs it, unless she says otherwise.
    expect(page.get_by_label("Helen Ward")).to_be_checked()
    expect(page.get_by_label("Priya Shah")).not_to_be_checked()
    page.get_by_label("Date (the first one, for a series)").fill(first_day.isoformat())
    page.get_by_label("Starts at").fill("10:30")
    page.get_by_label("Ends at").fill("12:30")
    page.get_by_label("How often").select_option(label="Every other week")
    page.get_by_label("How many dates").fill("6")
    page.get_by_label("Address").fill(PLACE["address"])
    page.get_by_label("How to get there").fill(PLACE["getting_there"])
    page.get_by_label("Step-free access").check()
    page.get_by_label("A quiet room to step out to").check()
    page.get_by_role("button", name="Make the dates").click()

    series = SessionSeries.objects.get(group=world.group)
    dates = list(series.sessions.order_by("starts_at"))
    first = dates[0]
    detail = url(live_server, "sessions_app:session_detail", world.group.pk, first.pk)
    expect(page).to_have_url(detail)
    expect(page.locator(".messages")).to_contain_text("Saved as a draft.")
    heading(page, "Tuesday meet-up")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    expect(page.get_by_text("Part of a series")).to_be_visible()
    runs = page.get_by_role("main").get_by_role("listitem").filter(has_text="Helen Ward")
    expect(runs).to_contain_text("training current")
    expect(page.locator("#publish-refusal")).to_contain_text("Add at least one part to the plan")

    # Priya joins her on the day; her training is not recorded, and Helen is told so.
    page.get_by_label("Add a facilitator").select_option(label="Priya Shah")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Her training is not current on the day")
    expect(
        page.get_by_role("main").get_by_role("listitem").filter(has_text="Priya Shah")
    ).to_contain_text("training not current on the day")

    page.get_by_role("link", name="Add a part to the plan").click()
    heading(page, "Add to the plan")
    page.get_by_label("Time (optional)").fill("10:45")
    page.get_by_label("What this part is for").fill(RECEPTION)
    page.get_by_label("Who leads it (optional)").fill("Helen and Lou")
    page.get_by_label("Being let down by services").check()
    page.get_by_label("Anything else members should know first (optional)").fill(NOTE_WORDS)
    page.get_by_role("button", name="Save to the plan").click()

    expect(page).to_have_url(detail)
    expect(page.locator(".messages")).to_contain_text("Saved to the plan.")
    plan = page.get_by_role("list").filter(has_text=RECEPTION)
    expect(plan).to_contain_text(f"Content note: {CONTENT_NOTE}")
    expect(page.locator("#publish-refusal")).to_have_count(0)
    page.get_by_role("button", name="Publish this date and its plan").click()

    expect(page).to_have_url(detail)
    expect(page.locator(".messages")).to_contain_text("Published. Members see it")
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Publish this date and its plan")).to_have_count(0)

    # Six dates, every other Tuesday at 10:30 as the clocks read; only the first is out.
    assert series.rule == SERIES_RULE
    assert len(dates) == 6
    for session in dates:
        local = session.starts_at.astimezone(LONDON)
        assert (local.weekday(), local.time()) == (1, dt.time(10, 30))
        assert session.ends_at.astimezone(LONDON).time() == dt.time(12, 30)
        assert {p.username for p in session.facilitators.all()} >= {"helen"}
    days = [s.occurrence for s in dates]
    assert [(b - a).days for a, b in zip(days, days[1:], strict=False)] == [14] * 5
    first.refresh_from_db()
    assert first.status == GroupSession.Status.PUBLISHED
    assert {s.status for s in dates[1:]} == {GroupSession.Status.DRAFT}
    item = AgendaItem.objects.get(session=first)
    assert (item.purpose, item.content_notes, item.content_note_text) == (
        RECEPTION,
        ["services"],
        NOTE_WORDS,
    )
    assert item.at_time == dt.time(10, 45)


# --- 2. Sam, on her phone --------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with_js", "without_js"])
def test_sam_sees_her_next_date_steps_out_of_a_part_and_says_she_cant_come(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    plan_sessions(world)
    session = world.next
    page = offline_context(**PHONE, java_script_enabled=javascript).new_page()
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")
    next_date = page.locator("#next-date")
    expect(next_date).to_contain_text("Tuesday meet-up")
    expect(next_date).to_contain_text(her_when(session))
    next_date.get_by_role("link", name="What to expect").tap()

    mine = url(live_server, "sessions_app:my_session", session.pk)
    expect(page).to_have_url(mine)
    heading(page, "Tuesday meet-up")
    expect(page.get_by_text("12 Mill Lane")).to_be_visible()
    reception = in_item(page, f"10:45 {RECEPTION}")
    expect(reception.locator(".content-note")).to_have_text(f"Content note: {CONTENT_NOTE}")
    expect(in_item(page, f"10:30 {WELCOME}").locator(".content-note")).to_have_count(0)
    reception.get_by_role("button", name=re.compile("^I'll step out for this one")).tap()

    expect(page).to_have_url(mine)
    expect(page.locator(".messages")).to_contain_text("Nobody will ask why.")
    expect(reception).to_contain_text("You'll step out for this one.")
    expect(
        reception.get_by_role("button", name=re.compile("^I'll stay for this one"))
    ).to_be_visible()
    # Only that part: she is still in for the welcome.
    expect(in_item(page, f"10:30 {WELCOME}")).not_to_contain_text("You'll step out")
    can_t_come = page.get_by_role("button", name="I can't come", exact=True)
    expect(can_t_come).to_be_in_viewport()
    can_t_come.tap()

    expect(page).to_have_url(mine)
    expect(page.locator(".messages")).to_contain_text("You never need to say why.")
    expect(page.get_by_text("You said you can't come. That is fine.")).to_be_visible()
    expect(page.get_by_role("button", name="I can come after all")).to_be_visible()
    item = session.agenda.get(purpose=RECEPTION)
    assert list(StepOut.objects.filter(member=world.sam).values_list("item", flat=True)) == [
        item.pk
    ]
    attendance = Attendance.objects.get(session=session, member=world.sam)
    assert attendance.plan == Attendance.Plan.CANT_COME

    page.goto(url(live_server, "member_home"))
    heading(page, "Hello, Sam")
    expect(next_date).to_contain_text("You said you can't come. That is fine.")


# --- 3. Maria sees what changed --------------------------------------------------------


@pytest.mark.browser
def test_maria_sees_the_moved_date_marked_changed_until_she_has_seen_it(
    live_server, phone_page, sign_in_with_password
):
    world = make_world()
    plan_sessions(world)
    moved = world.next
    # She looked at it before it moved.
    taking_part.session_seen(member=world.maria, session=moved)
    move_to_wednesday(world)
    page = phone_page
    sign_in_with_password(page, "maria")
    heading(page, "Hello, Maria")
    expect(page.locator("#next-date")).to_contain_text("Changed")
    page.get_by_role("link", name="Your dates", exact=True).tap()

    expect(page).to_have_url(url(live_server, "sessions_app:my_sessions"))
    heading(page, "Your dates")
    dates = page.get_by_role("main").get_by_role("listitem")
    expect(dates).to_have_count(2)
    expect(dates.nth(0)).to_contain_text("Changed")
    expect(dates.nth(0)).to_contain_text("Wednesday meet-up")
    expect(dates.nth(0)).to_contain_text(her_when(moved))
    expect(dates.nth(1)).not_to_contain_text("Changed")
    dates.nth(0).get_by_role("link").tap()

    mine = url(live_server, "sessions_app:my_session", moved.pk)
    expect(page).to_have_url(mine)
    heading(page, "Wednesday meet-up")
    expect(page.get_by_text(her_when(moved))).to_be_visible()
    changed = page.locator("#what-changed")
    expect(changed.get_by_role("heading", name="Changed")).to_be_visible()
    expect(changed).to_contain_text("The time changed on")
    page.get_by_role("link", name="Back to your dates").tap()

    # Seen: it is no longer marked, there or anywhere.
    heading(page, "Your dates")
    expect(dates).to_have_count(2)
    expect(page.get_by_text("Changed", exact=True)).to_have_count(0)
    page.goto(mine)
    heading(page, "Wednesday meet-up")
    expect(page.locator("#what-changed")).to_have_count(0)
    page.goto(url(live_server, "member_home"))
    expect(page.locator("#next-date")).not_to_contain_text("Changed")
    seen = SessionSeen.objects.get(session=moved, member=world.maria)
    assert seen.version == moved.version == 1


# --- 4. axe on every page --------------------------------------------------------------


def go(name: str, *args, title: str, query: str = ""):
    """A page to open by its URL name and arguments (each a value, or a function of the
    world), with the heading it shows."""

    def open_page(page, live_server, w):
        page.goto(
            url(live_server, name, *(arg(w) if callable(arg) else arg for arg in args)) + query
        )
        heading(page, title)

    return open_page


def then(first, *steps):
    """Open a page with `first`, then do `steps` on it (each given the page)."""

    def open_page(page, live_server, w):
        first(page, live_server, w)
        for step in steps:
            step(page)

    return open_page


def send(button: str, says: str):
    """Send the form as it is, and see what to fix: each error links to its field."""

    def step(page) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text(says)
        links = summary.get_by_role("link")
        expect(links).not_to_have_count(0)
        for target in links.evaluate_all("links => links.map(link => link.hash.slice(1))"):
            expect(page.locator(f"[id='{target}']")).to_have_count(1)

    return step


def fill(label: str, value: str):
    def step(page) -> None:
        page.get_by_label(label).fill(value)

    return step


def tick(label: str):
    def step(page) -> None:
        page.get_by_label(label).check()

    return step


def group(w):
    return w.group.pk


def staff_pages() -> list[tuple[str, object]]:
    """(what it is, how to open it) for each staff page, as Helen sees it."""
    g = group

    def pk(name):
        return lambda w: getattr(w, name).pk

    return [
        ("session list", go("sessions_app:session_list", g, title="Coming sessions")),
        (
            "past sessions",
            go("sessions_app:session_list", g, title="Past sessions", query="?when=past"),
        ),
        ("new session", go("sessions_app:session_new", g, title="Plan a session or a series")),
        (
            "new session, with errors",
            then(
                go("sessions_app:session_new", g, title="Plan a session or a series"),
                send("Make the dates", "Please give an address or an online link."),
            ),
        ),
        (
            "session detail, moved, with who is coming",
            then(
                go("sessions_app:session_detail", g, pk("next"), title="Wednesday meet-up"),
                lambda page: expect(page.get_by_role("main")).to_contain_text(
                    "training not current on the day"
                ),
            ),
        ),
        (
            "session detail, a draft without a plan",
            go("sessions_app:session_detail", g, pk("draft"), title="Tuesday meet-up"),
        ),
        (
            "session detail, a draft refused publishing",
            then(
                go("sessions_app:session_detail", g, pk("draft"), title="Tuesday meet-up"),
                lambda page: page.get_by_role(
                    "button", name="Publish this date and its plan"
                ).click(),
                lambda page: expect(page.locator(".messages")).to_contain_text(
                    "Add at least one part to the plan"
                ),
            ),
        ),
        (
            "session detail, held",
            go("sessions_app:session_detail", g, pk("shared"), title="Tuesday meet-up"),
        ),
        ("edit", go("sessions_app:session_edit", g, pk("next"), title="Change this date")),
        (
            "edit, with errors",
            then(
                go("sessions_app:session_edit", g, pk("next"), title="Change this date"),
                fill("Address", ""),
                fill("Ends at", ""),
                send("Save", "Please give an address or an online link."),
            ),
        ),
        ("cancel", go("sessions_app:session_cancel", g, pk("next"), title="Cancel this date?")),
        (
            "new agenda item",
            go("sessions_app:agenda_item_new", g, pk("next"), title="Add to the plan"),
        ),
        (
            "new agenda item, with errors",
            then(
                go("sessions_app:agenda_item_new", g, pk("next"), title="Add to the plan"),
                send("Save to the plan", "Please say what this part is for."),
            ),
        ),
        (
            "agenda item",
            go(
                "sessions_app:agenda_item",
                g,
                pk("next"),
                lambda w: w.next.agenda.get(purpose=RECEPTION).pk,
                title="Change a part of the plan",
            ),
        ),
        ("attendance", go("sessions_app:session_attendance", g, pk("shared"), title="Who came")),
        (
            "attendance, with errors",
            then(
                go("sessions_app:session_attendance", g, pk("shared"), title="Who came"),
                fill("Hours for Sam", "100"),
                send("Save", "12"),
            ),
        ),
        (
            "dashboard",
            then(
                go("sessions_app:group_dashboard", g, title="Overview"),
                lambda page: expect(page.get_by_role("main")).to_contain_text("not current —"),
            ),
        ),
        ("session notes", go("sessions_app:session_notes", g, title="Session notes")),
        (
            "session note, shared",
            go("sessions_app:session_note", g, pk("shared"), title="Note: Tuesday meet-up"),
        ),
        (
            "session note, waiting to be checked",
            go("sessions_app:session_note", g, pk("to_check"), title="Note: Tuesday meet-up"),
        ),
        (
            "session note, not written",
            go("sessions_app:session_note", g, pk("unwritten"), title="Note: Tuesday meet-up"),
        ),
        (
            "session note, with errors",
            then(
                go("sessions_app:session_note", g, pk("unwritten"), title="Note: Tuesday meet-up"),
                send("Save the draft", "Please write what the session talked about."),
            ),
        ),
        ("service changes", go("sessions_app:service_changes", g, title="You said, we did")),
        (
            "new service change",
            go("sessions_app:service_change_new", g, title="Add a “you said, we did”"),
        ),
        (
            "new service change, with errors",
            then(
                go("sessions_app:service_change_new", g, title="Add a “you said, we did”"),
                lambda page: page.get_by_role("radio", name="Not possible").check(),
                send("Save", "Please say why it was not possible"),
            ),
        ),
        (
            "service change",
            go(
                "sessions_app:service_change_edit",
                g,
                pk("done"),
                title="Change a “you said, we did”",
            ),
        ),
    ]


def member_pages(w) -> list[tuple[str, object]]:
    """(what it is, how to open it) for each member page, as Sam sees it. The list of
    dates comes before the moved date's page, which marks it seen."""
    return [
        ("home, with her next date", go("member_home", title="Hello, Sam")),
        (
            "her dates, one changed",
            then(
                go("sessions_app:my_sessions", title="Your dates"),
                lambda page: expect(page.get_by_text("Changed", exact=True)).to_have_count(1),
            ),
        ),
        (
            "a moved date",
            then(
                go("sessions_app:my_session", w.next.pk, title="Wednesday meet-up"),
                lambda page: expect(page.locator("#what-changed")).to_be_visible(),
            ),
        ),
        (
            "a date she can't come to, stepping out of a part",
            then(
                go("sessions_app:my_session", w.after.pk, title="Tuesday meet-up"),
                lambda page: expect(
                    page.get_by_text("You'll step out for this one.")
                ).to_be_visible(),
            ),
        ),
        (
            "session choices",
            go("sessions_app:my_session_choices", title="Reminders and content notes"),
        ),
        (
            "session choices, saved",
            then(
                go("sessions_app:my_session_choices", title="Reminders and content notes"),
                tick("Send me a reminder the day before"),
                tick("Violence or abuse"),
                lambda page: page.get_by_role("button", name="Save", exact=True).click(),
                lambda page: heading(page, "Your dates"),
            ),
        ),
        ("notes", go("sessions_app:my_notes", title="Notes from past dates")),
        ("note", go("sessions_app:my_note", w.shared.pk, title="Tuesday meet-up")),
        ("you said, we did", go("sessions_app:my_changes", title="You said, we did")),
    ]


def representative_pages(w) -> list[tuple[str, object]]:
    """Lou, the members' representative: a note waits for her to check."""
    return [
        (
            "notes, one to check",
            then(
                go("sessions_app:my_notes", title="Notes from past dates"),
                lambda page: expect(
                    page.get_by_role("link", name=re.compile("^Check the note"))
                ).to_have_count(1),
            ),
        ),
        ("note check", go("sessions_app:my_note_check", w.to_check.pk, title="Check the note")),
    ]


def calendar_pages(*, staff: bool) -> list[tuple[str, object]]:
    """The calendar page (being written alongside: only where its URL exists yet), before
    and after making an address, and with one made."""
    name = "sessions_app:my_staff_calendar" if staff else "sessions_app:my_calendar"
    try:
        reverse(name)
    except NoReverseMatch:
        return []
    title = "Your calendar address" if staff else "Your dates in your calendar"
    return [
        ("calendar", go(name, title=title)),
        (
            "calendar, address made",
            then(
                go(name, title=title),
                lambda page: page.get_by_role("button", name="Make my calendar address").click(),
                lambda page: expect(page.locator("#calendar-address")).to_be_visible(),
            ),
        ),
        (
            "calendar, with an address",
            then(
                go(name, title=title),
                lambda page: expect(
                    page.get_by_role("button", name="Stop my calendar address")
                ).to_be_visible(),
            ),
        ),
    ]


def failures_of(page, live_server, w, pages, where: str) -> list[str]:
    """Open each page, and say what went wrong on each: every page is tried."""
    found = []
    for what, open_page in pages:
        try:
            open_page(page, live_server, w)
            check_page(page, "axe")
        except (AssertionError, PlaywrightError) as error:
            found.append(f"{what} ({where}): {error}")
    return found


@pytest.mark.browser
def test_no_axe_violations_on_the_staff_pages(live_server, offline_context, sign_in_with_password):
    world = full_world()
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "helen")
    pages = staff_pages() + calendar_pages(staff=True)
    found = failures_of(page, live_server, world, pages, "Helen, desktop")
    priya = offline_context(**DESKTOP).new_page()
    sign_in_with_password(priya, "priya")
    found += failures_of(
        priya, live_server, world,
        [(
            "session note, Priya to check it",
            then(
                go("sessions_app:session_note", group, world.to_check.pk,
                   title="Note: Tuesday meet-up"),
                lambda page: expect(page.get_by_role(
                    "button", name="It is checked: share it with members")).to_be_visible(),
            ),
        )],
        "Priya, desktop",
    )  # fmt: skip
    assert not found, "\n\n".join(found)


@pytest.mark.browser
def test_no_axe_violations_on_the_member_pages(live_server, offline_context, sign_in_with_password):
    world = full_world()
    page = offline_context(**PHONE).new_page()
    sign_in_with_password(page, "sam")
    pages = member_pages(world) + calendar_pages(staff=False)
    found = failures_of(page, live_server, world, pages, "Sam, phone")
    lou = offline_context(**PHONE).new_page()
    sign_in_with_password(lou, "lou")
    found += failures_of(lou, live_server, world, representative_pages(world), "Lou, phone")
    assert not found, "\n\n".join(found)
