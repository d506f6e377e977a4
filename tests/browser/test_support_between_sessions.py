"""Support between sessions in a real Chromium: Sam answers a check-in on her phone in
one tap (with JavaScript off too), asks for support and is told who will hear, and sets
her check-ins one choice per screen; Dee and Helen see her request on the support queue,
Dee says it is in hand and the reminders stop. axe (WCAG 2.0, 2.1 and 2.2 A and AA) finds
nothing on any page of it: member pages at phone size, staff pages at desktop size, each
form with its errors showing too, and no page scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from coproduction.outbox.services import message_deliver, message_queue
from groups.models import Membership, SupportContact
from sessions_app import services, wording
from sessions_app.models import CheckIn, CheckInPlan, SupportRequest
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journeys import AXE_OPTIONS, heading
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory
from tests.groups.staff_data import give_details, give_sam_her_details

SIZES = {"phone": PHONE, "desktop": DESKTOP}
DONE = "Called her at 11:00, she is OK. Talking again on Thursday."


# --- the world ------------------------------------------------------------------------


def make_world() -> SimpleNamespace:
    """The Tuesday group of PEOPLE.md: Helen facilitates, Dee is Sam's support worker and
    the one Sam chose to be told when she asks; Sam allows texts only, Tuesday to Thursday
    10:00–14:00, from "Jo"; Maria, e-mail on weekdays, has no support worker."""
    group = CoproGroupFactory(
        name="Primary care access – Tuesday", member_facing_name="Tuesday group"
    )
    helen = StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )
    dee = StaffFactory(
        username="dee", first_name="Dee", last_name="Okafor", email="dee.okafor@example.org"
    )
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    sam = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    give_sam_her_details(sam)
    MembershipFactory(user=sam, group=group, support_worker=dee)
    SupportContact.objects.create(
        member=sam, kind=SupportContact.Kind.SUPPORT_WORKER, staff_user=dee
    )
    maria = UserFactory(username="maria", first_name="Maria", email="maria@example.org")
    give_details(maria, name="Maria", channels=["email"], safe_days=[0, 1, 2, 3, 4])
    MembershipFactory(user=maria, group=group)
    return SimpleNamespace(group=group, helen=helen, dee=dee, sam=sam, maria=maria)


def sent_portal_checkin(member) -> CheckIn:
    """Her check-in of today, asked on her Hearth home page: queued the way the daily
    task queues it, and sent by the outbox's portal channel."""
    services.checkin_plan_update(
        member=member, acting_user=member, rhythm=CheckInPlan.Rhythm.WEEKLY, channel="portal"
    )
    plan = CheckInPlan.objects.get(member=member)
    now = timezone.now()
    checkin = services.checkin_queue(plan=plan, day=timezone.localdate(), due=now)
    assert message_deliver(message_id=checkin.message_id, now=now) == Message.Status.SENT
    return checkin


def weekly_texts(member) -> None:
    """A check-in plan by text: every week, on the first of her safe days."""
    services.checkin_plan_update(
        member=member, acting_user=member, rhythm=CheckInPlan.Rhythm.WEEKLY, channel="sms"
    )


def held_message(member) -> Message:
    """An e-mail she never allowed: the outbox holds it for a facilitator to decide."""
    message = message_queue(
        recipient=member,
        kind=wording.CHECKIN,
        channel=Channel.EMAIL,
        body="Hi Sam, how are things?",
        key="checkin:test:held",
    )
    assert message_deliver(message_id=message.pk) == Message.Status.HELD
    return message


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def check_page(page, where: str) -> None:
    """axe ran and found no violations, and the page does not scroll sideways."""
    page.wait_for_load_state("load")  # judge the page with its stylesheet applied
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"{where}: axe ran no checks"
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{where} scrolls sideways"


# --- 1. Sam answers a check-in ---------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with_js", "without_js"])
def test_sam_answers_a_check_in_on_her_phone(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    checkin = sent_portal_checkin(world.sam)
    page = offline_context(**PHONE, java_script_enabled=javascript).new_page()
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")
    expect(page.get_by_role("heading", name="For you today")).to_be_visible()
    answer = page.get_by_role("link", name="Answer", exact=True)
    expect(answer).to_be_in_viewport()
    answer.tap()

    expect(page).to_have_url(url(live_server, "sessions_app:my_checkin_answer", checkin.pk))
    heading(page, "How are things?")
    buttons = page.get_by_role("main").get_by_role("button")
    expect(buttons).to_have_text(["OK", "Not great", "Please contact me"])
    for index in range(3):
        expect(buttons.nth(index)).to_be_in_viewport()  # all three on one phone screen
    page.get_by_role("button", name="Not great", exact=True).tap()

    expect(page).to_have_url(url(live_server, "member_home"))
    heading(page, "Hello, Sam")
    expect(page.locator(".messages")).to_contain_text("Thank you for telling us.")
    # Answered: it no longer waits for her.
    expect(page.get_by_role("link", name="Answer", exact=True)).to_have_count(0)
    checkin.refresh_from_db()
    assert (checkin.answer, checkin.answered_via) == (
        CheckIn.Answer.NOT_GREAT,
        CheckIn.Via.PORTAL,
    )
    assert checkin.answered_at is not None
    # "Not great" is hers to say: nobody is asked to call her unless she asks.
    assert not SupportRequest.objects.filter(member=world.sam).exists()


# --- 2. "I need support" ---------------------------------------------------------------


@pytest.mark.browser
def test_a_member_asks_for_support_and_sees_who_will_be_told(
    live_server, phone_page, sign_in_with_password
):
    world = make_world()
    page = phone_page
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")
    page.get_by_role("link", name="I need support", exact=True).tap()

    expect(page).to_have_url(url(live_server, "sessions_app:my_support"))
    heading(page, "Would you like someone to contact you?")
    told = "We will tell Dee Okafor. They will contact you the way you chose."
    expect(page.get_by_role("main")).to_contain_text(told)
    page.get_by_role("button", name="Yes, please contact me").tap()

    expect(page).to_have_url(url(live_server, "sessions_app:my_support_asked"))
    heading(page, "You asked to be contacted")
    expect(page.get_by_role("main")).to_contain_text(told)
    expect(page.get_by_role("main")).to_contain_text("You do not need to ask again.")
    request = SupportRequest.objects.get(member=world.sam)
    assert request.is_open
    assert request.source == SupportRequest.Source.BUTTON
    assert request.contact.staff_user == world.dee
    # Dee is told at once.
    assert Message.objects.filter(
        key__startswith=f"support:{request.pk}:told:"
    ).get().recipient == (world.dee)

    # Her home says she asked; asking again is the same request.
    page.get_by_role("link", name="Back to home").tap()
    page.get_by_role("link", name="You asked to be contacted").tap()
    heading(page, "You asked to be contacted")
    assert SupportRequest.objects.filter(member=world.sam).count() == 1


# --- 3. Dee and Helen see it; Dee says it is in hand -----------------------------------


@pytest.mark.browser
def test_dee_acknowledges_and_the_reminders_stop(
    live_server, offline_context, sign_in_with_password
):
    world = make_world()
    request, created = services.support_request_open(
        member=world.sam, source=SupportRequest.Source.BUTTON
    )
    assert created
    # An hour on (in working hours), Helen is reminded; the reminder has not gone yet.
    reminder_due = request.next_reminder_at + dt.timedelta(minutes=1)
    assert services.support_reminders_send(now=reminder_due) == 1
    reminders = Message.objects.filter(key__startswith=f"support:{request.pk}:remind:")
    assert [m.recipient for m in reminders] == [world.helen]
    assert {m.status for m in reminders} == {Message.Status.PENDING}
    queue = url(live_server, "sessions_app:support_queue", world.group.pk)

    helen = offline_context(**DESKTOP).new_page()
    sign_in_with_password(helen, "helen")
    helen.goto(queue)
    heading(helen, "Support requests")
    sams_row = helen.get_by_role("row").filter(has=helen.get_by_role("rowheader", name="Sam"))
    expect(sams_row).to_contain_text("Dee Okafor")
    expect(sams_row.get_by_role("link", name="Acknowledge")).to_be_visible()

    dee = offline_context(**DESKTOP).new_page()
    sign_in_with_password(dee, "dee")
    dee.goto(url(live_server, "groups:roster", world.group.pk))
    dee.get_by_role("navigation", name="Pages for this group").get_by_role(
        "link", name="Support requests"
    ).click()
    expect(dee).to_have_url(queue)
    heading(dee, "Support requests")
    row = dee.get_by_role("row").filter(has=dee.get_by_role("rowheader", name="Sam"))
    row.get_by_role("link", name="Acknowledge").click()

    expect(dee).to_have_url(
        url(live_server, "sessions_app:support_acknowledge", world.group.pk, request.pk)
    )
    heading(dee, "Sam asked to be contacted")
    dee.get_by_label("What was done, or will be").fill(DONE)
    dee.get_by_role("button", name="It is in hand: stop the reminders").click()

    expect(dee).to_have_url(queue)
    expect(dee.locator(".messages")).to_contain_text("The reminders have stopped.")
    expect(row).to_contain_text(f"Dee Okafor: {DONE}")
    expect(row.get_by_role("link", name="Acknowledge")).to_have_count(0)

    request.refresh_from_db()
    assert not request.is_open
    assert request.acknowledged_by == world.dee
    assert request.what_was_done == DONE
    assert request.next_reminder_at is None
    assert {m.status for m in reminders.all()} == {Message.Status.CANCELLED}
    much_later = timezone.now() + dt.timedelta(days=30)
    assert services.support_reminders_send(now=much_later) == 0
    assert reminders.count() == 1

    # Helen sees who has it in hand, and what was done.
    helen.reload()
    expect(sams_row).to_contain_text(f"Dee Okafor: {DONE}")
    expect(sams_row.get_by_role("link", name="Acknowledge")).to_have_count(0)


# --- 4. Sam sets her check-ins ---------------------------------------------------------


@pytest.mark.browser
def test_sam_sets_her_check_ins_one_choice_per_screen(
    live_server, phone_page, sign_in_with_password
):
    world = make_world()
    page = phone_page
    sign_in_with_password(page, "sam")
    page.goto(url(live_server, "sessions_app:my_checkins"))
    heading(page, "Check-ins")
    expect(page.get_by_text("You get no check-ins now.")).to_be_visible()
    page.get_by_role("link", name="Start check-ins").tap()

    def step(slug: str, title: str, number: int) -> None:
        expect(page).to_have_url(url(live_server, "sessions_app:my_checkin_step", slug))
        heading(page, title)
        expect(page.get_by_text(f"Step {number} of 5")).to_be_visible()

    def go_on() -> None:
        page.get_by_role("button", name="Save and go on").tap()

    step("how-often", "How often would you like us to ask how things are?", 1)
    page.get_by_label("Every week").check()
    go_on()

    step("how", "How should we ask?", 2)
    # Only the ways she said are safe, and her home page.
    expect(page.get_by_role("radio")).to_have_count(2)
    page.get_by_label("A text message to my phone").check()
    go_on()

    step("when", "When should we ask?", 3)
    # By text, only her safe days (Tuesday to Thursday) and hours are offered.
    days = page.get_by_role("group", name="Which day?").get_by_role("radio")
    expect(days).to_have_count(3)
    expect(page.get_by_text("between 10:00 and 14:00")).to_be_visible()
    page.get_by_label("Wednesday").check()
    page.get_by_label("What time?").fill("11:30")
    go_on()

    step("words", "Which words should we use?", 4)
    page.get_by_label("Hi Sam, just checking in.").check()
    go_on()

    step("if-no-answer", "What should happen if you do not answer?", 5)
    page.get_by_label("Nothing. That is fine.").check()
    go_on()

    expect(page).to_have_url(url(live_server, "sessions_app:my_checkins"))
    heading(page, "Check-ins")
    expect(page.locator(".messages")).to_contain_text("Saved.")
    summary = page.locator("dl.checkin-plan")
    for words in (
        "Every week",
        "Text message",
        "Wednesday at 11:30",
        "“Hi Sam, just checking in.”",
        "Nothing. That is fine.",
    ):
        expect(summary).to_contain_text(words)
    expect(summary.get_by_role("link", name=re.compile("^Change"))).to_have_count(5)
    plan = CheckInPlan.objects.get(member=world.sam)
    assert (plan.rhythm, plan.channel, plan.weekday, plan.at_time, plan.wording) == (
        CheckInPlan.Rhythm.WEEKLY,
        Channel.SMS,
        2,
        dt.time(11, 30),
        CheckInPlan.Wording.CHECKING_IN,
    )
    assert plan.if_no_answer == CheckInPlan.IfNoAnswer.NOTHING


# --- 5. axe on every page --------------------------------------------------------------


def go(page, live_server, name: str, *args, title: str) -> None:
    page.goto(url(live_server, name, *args))
    heading(page, title)


def clear_choices(page) -> None:
    """Untick every radio, as a form sent with nothing chosen (each comes pre-ticked)."""
    page.get_by_role("main").locator("input[type=radio]").evaluate_all(
        "radios => radios.forEach(radio => { radio.checked = false; })"
    )


def save_with_error(page, says: str) -> None:
    """Save, see what to fix, and each line of the error summary leads to its field."""
    page.get_by_role("button", name="Save and go on").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(says)
    links = summary.get_by_role("link")
    expect(links).not_to_have_count(0)
    for target in links.evaluate_all("links => links.map(link => link.hash.slice(1))"):
        expect(page.locator(f"[id='{target}']")).to_have_count(1)


# Member pages: (who signs in, opener).


def open_home_with_checkin(page, live_server, w):
    sent_portal_checkin(w.sam)
    go(page, live_server, "member_home", title="Hello, Sam")
    expect(page.get_by_role("link", name="Answer", exact=True)).to_be_visible()


def open_home_after_asking(page, live_server, w):
    services.support_request_open(member=w.sam, source=SupportRequest.Source.BUTTON)
    go(page, live_server, "member_home", title="Hello, Sam")
    expect(page.get_by_role("link", name="You asked to be contacted")).to_be_visible()


def open_checkin_answer(page, live_server, w):
    checkin = sent_portal_checkin(w.sam)
    go(page, live_server, "sessions_app:my_checkin_answer", checkin.pk, title="How are things?")


def open_checkin_answered(page, live_server, w):
    checkin = sent_portal_checkin(w.sam)
    services.checkin_answer(checkin=checkin, answer=CheckIn.Answer.OK, via=CheckIn.Via.PORTAL)
    go(page, live_server, "sessions_app:my_checkin_answer", checkin.pk, title="How are things?")
    expect(page.get_by_text("You said: OK. Thank you.")).to_be_visible()


def open_support(page, live_server, w):
    go(page, live_server, "sessions_app:my_support", title="Would you like someone to contact you?")


def open_support_asked(page, live_server, w):
    services.support_request_open(member=w.sam, source=SupportRequest.Source.BUTTON)
    go(page, live_server, "sessions_app:my_support_asked", title="You asked to be contacted")


def open_support_asked_outside_contact(page, live_server, w):
    SupportContact.objects.filter(member=w.sam).delete()
    SupportContact.objects.create(
        member=w.sam,
        kind=SupportContact.Kind.HELPLINE,
        name="Nightline",
        channel=Channel.CALL,
        contact_detail="0800 123 456",
    )
    services.support_request_open(member=w.sam, source=SupportRequest.Source.BUTTON)
    go(page, live_server, "sessions_app:my_support_asked", title="You asked to be contacted")
    expect(page.get_by_text("0800 123 456")).to_be_visible()


def open_checkins_no_plan(page, live_server, w):
    go(page, live_server, "sessions_app:my_checkins", title="Check-ins")
    expect(page.get_by_text("You get no check-ins now.")).to_be_visible()


def open_checkins_with_plan(page, live_server, w):
    weekly_texts(w.sam)
    go(page, live_server, "sessions_app:my_checkins", title="Check-ins")
    expect(page.locator("dl.checkin-plan")).to_contain_text("Text message")


def open_checkins_unsafe_now(page, live_server, w):
    weekly_texts(w.sam)
    give_details(w.sam, name="Sam", channels=["email"], safe_days=[1, 2, 3])
    go(page, live_server, "sessions_app:my_checkins", title="Check-ins")
    expect(page.get_by_text("this way is not safe now")).to_be_visible()


STEP_TITLES = {
    "how-often": "How often would you like us to ask how things are?",
    "how": "How should we ask?",
    "when": "When should we ask?",
    "words": "Which words should we use?",
    "if-no-answer": "What should happen if you do not answer?",
}


def open_step(slug: str):
    def open_page(page, live_server, w):
        weekly_texts(w.sam)
        go(page, live_server, "sessions_app:my_checkin_step", slug, title=STEP_TITLES[slug])

    open_page.__name__ = f"open_step_{slug.replace('-', '_')}"
    return open_page


def open_step_when_on_her_home_page(page, live_server, w):
    services.checkin_plan_update(
        member=w.sam, acting_user=w.sam, rhythm=CheckInPlan.Rhythm.WEEKLY, channel="portal"
    )
    go(page, live_server, "sessions_app:my_checkin_step", "when", title=STEP_TITLES["when"])
    # On her home page any day will do.
    expect(page.get_by_role("group", name="Which day?").get_by_role("radio")).to_have_count(7)


def open_step_how_often_with_error(page, live_server, w):
    open_step("how-often")(page, live_server, w)
    clear_choices(page)
    save_with_error(page, "Please choose one.")


def open_step_how_with_error(page, live_server, w):
    open_step("how")(page, live_server, w)
    clear_choices(page)
    save_with_error(page, "Please choose one.")


def open_step_when_with_error(page, live_server, w):
    open_step("when")(page, live_server, w)
    page.get_by_label("What time?").fill("18:00")
    save_with_error(page, "Please choose one of your safe days and times.")


def open_step_words_with_error(page, live_server, w):
    open_step("words")(page, live_server, w)
    page.get_by_label("My own words").check()
    page.get_by_label("Your own words (if you chose them)").fill("")
    save_with_error(page, "Please write your own words, or choose some.")


def open_step_if_no_answer_with_error(page, live_server, w):
    open_step("if-no-answer")(page, live_server, w)
    clear_choices(page)
    save_with_error(page, "Please choose one.")


MEMBER_PAGES = [
    open_home_with_checkin,
    open_home_after_asking,
    open_checkin_answer,
    open_checkin_answered,
    open_support,
    open_support_asked,
    open_support_asked_outside_contact,
    open_checkins_no_plan,
    open_checkins_with_plan,
    open_checkins_unsafe_now,
    *(open_step(slug) for slug in STEP_TITLES),
    open_step_when_on_her_home_page,
    open_step_how_often_with_error,
    open_step_how_with_error,
    open_step_when_with_error,
    open_step_words_with_error,
    open_step_if_no_answer_with_error,
]


# Staff pages.


def requests_open_and_acknowledged(w) -> SupportRequest:
    """Sam asked three days ago and Dee had it in hand within the hour; she asked again
    today (open), and so did Maria. Returns Sam's open request."""
    before = timezone.now() - dt.timedelta(days=3)
    earlier, _ = services.support_request_open(
        member=w.sam, source=SupportRequest.Source.CHECKIN, now=before
    )
    services.support_request_acknowledge(
        request=earlier, acting_user=w.dee, what_was_done=DONE, now=before + dt.timedelta(hours=1)
    )
    services.support_request_open(member=w.maria, source=SupportRequest.Source.BUTTON)
    request, _ = services.support_request_open(member=w.sam, source=SupportRequest.Source.BUTTON)
    return request


def open_support_queue(page, live_server, w):
    requests_open_and_acknowledged(w)
    go(page, live_server, "sessions_app:support_queue", w.group.pk, title="Support requests")
    sams = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Sam"))
    expect(sams.get_by_role("link", name=re.compile("^Acknowledge"))).to_have_count(1)
    expect(page.get_by_text(f"Dee Okafor: {DONE}")).to_be_visible()


def open_support_queue_empty(page, live_server, w):
    go(page, live_server, "sessions_app:support_queue", w.group.pk, title="Support requests")
    expect(page.get_by_text("Nobody has asked to be contacted")).to_be_visible()


def open_support_acknowledge(page, live_server, w):
    request = requests_open_and_acknowledged(w)
    go(
        page,
        live_server,
        "sessions_app:support_acknowledge",
        w.group.pk,
        request.pk,
        title="Sam asked to be contacted",
    )


def open_support_acknowledge_with_error(page, live_server, w):
    open_support_acknowledge(page, live_server, w)
    page.get_by_role("button", name="It is in hand: stop the reminders").click()
    heading(page, "Sam asked to be contacted")
    expect(page.get_by_text("Please say what was done, or what will be.")).to_be_visible()


def open_support_queue_after_acknowledging(page, live_server, w):
    open_support_acknowledge(page, live_server, w)
    page.get_by_label("What was done, or will be").fill("Left her a text from Jo.")
    page.get_by_role("button", name="It is in hand: stop the reminders").click()
    heading(page, "Support requests")
    expect(page.locator(".messages")).to_contain_text("The reminders have stopped.")


def open_group_outbox(page, live_server, w):
    sent_portal_checkin(w.sam)
    requests_open_and_acknowledged(w)
    held_message(w.sam)
    go(page, live_server, "sessions_app:group_outbox", w.group.pk, title="Messages to members")
    expect(page.get_by_role("button", name=re.compile("^Try again"))).to_have_count(1)
    held = page.get_by_role("row").filter(has=page.get_by_role("button", name=re.compile("^Try")))
    expect(held).to_contain_text("Could not reach her safely")
    expect(held).to_contain_text("She has not said this way of contacting her is safe.")


STAFF_PAGES = [
    ("helen", open_support_queue),
    ("dee", open_support_queue),
    ("helen", open_support_queue_empty),
    ("dee", open_support_acknowledge),
    ("dee", open_support_acknowledge_with_error),
    ("dee", open_support_queue_after_acknowledging),
    ("helen", open_group_outbox),
]

AXE_PAGES = [
    pytest.param("sam", "phone", opener, id=f"phone-{opener.__name__.removeprefix('open_')}")
    for opener in MEMBER_PAGES
] + [
    pytest.param(
        who, "desktop", opener, id=f"desktop-{who}-{opener.__name__.removeprefix('open_')}"
    )
    for who, opener in STAFF_PAGES
]


@pytest.mark.browser
@pytest.mark.parametrize(("who", "size", "open_page"), AXE_PAGES)
def test_no_axe_violations(
    who, size, open_page, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    page = offline_context(**SIZES[size]).new_page()
    sign_in_with_password(page, who)
    open_page(page, live_server, world)
    check_page(page, f"{open_page.__name__} ({who}, {size})")
