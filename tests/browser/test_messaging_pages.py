"""How Hearth's messages reach people, in a real Chromium: Helen chooses one reminder email
a day; Dee passes a message on to Precious in person and says so; Sam asks for a sign-in
code by text; Sam asks for a note when she changes what she agreed to, and finds such a
note on her home page. Each journey works with JavaScript off too, and axe (WCAG 2.0, 2.1
and 2.2 A and AA) finds nothing on any page of it: member pages at phone size, staff
pages at desktop size, each form with its error showing too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from coproduction.outbox.services import message_queue
from groups import notices
from groups.models import Membership, SafeContactProfile
from sessions_app import services, wording
from sessions_app.models import PassOn, StaffReminderChoice
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journeys import heading
from tests.browser.test_support_between_sessions import check_page, make_world, url
from tests.factories import MembershipFactory, UserFactory
from tests.groups.staff_data import SAM_PHONE, give_details

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["with_js", "without_js"])
CODE_IN_MESSAGE = re.compile(r"Your code is: (\S+)")

DAILY = "One email a day, at the time you choose, with everything in it"
SINGLE = "An email for each kind of thing, at most once a day each"
RECEIPTS = "Send me a note when I change what I agreed to"


# --- the world ------------------------------------------------------------------------


def precious_through_dee(world):
    """Precious of PEOPLE.md: no e-mail she checks; reached through Dee, in her group."""
    precious = UserFactory(username="precious", first_name="Precious", email="")
    give_details(precious, name="Precious", channels=[Channel.SUPPORT_WORKER])
    MembershipFactory(
        user=precious, group=world.group, role=Membership.Role.MEMBER, support_worker=world.dee
    )
    return precious


def to_pass_on(precious, dee) -> PassOn:
    """A check-in for Precious through her support worker: a task for Dee."""
    message = message_queue(
        recipient=precious,
        kind=wording.CHECKIN,
        channel=Channel.SUPPORT_WORKER,
        body="Hi Precious, how are things?",
        key="checkin:test:precious",
    )
    return services.pass_on_create(message=message, worker=dee)


def left_on_her_home(member, kind: str, *, ago: dt.timedelta, key: str) -> Message:
    """A note the outbox left on her home page (sent by the portal channel)."""
    at = timezone.now() - ago
    return Message.objects.create(
        recipient=member, kind=kind, channel=Channel.PORTAL, body="A note", key=key,
        status=Message.Status.SENT, sent_at=at, due_at=at,
    )  # fmt: skip


def new_page(offline_context, size: dict, javascript: bool):
    return offline_context(**size, java_script_enabled=javascript).new_page()


def axe(page, javascript: bool, where: str) -> None:
    """axe finds nothing and the page fits its width. axe runs in the page's own
    JavaScript, so it judges the pages with JavaScript on; with it off, the journey
    itself is what is checked (the server sends the same pages either way)."""
    if javascript:
        check_page(page, where)


# --- 1. Helen's reminders ---------------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_helen_chooses_one_email_a_day_and_is_told_what_is_missing(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    page = new_page(offline_context, DESKTOP, javascript)
    sign_in_with_password(page, "helen")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Your reminders").click()

    reminders = url(live_server, "sessions_app:my_reminders")
    expect(page).to_have_url(reminders)
    heading(page, "Your reminders")
    expect(page.get_by_label(SINGLE)).to_be_checked()  # the default
    axe(page, javascript, "Your reminders")
    page.get_by_label(DAILY).check()
    page.get_by_label("Time for the daily email").fill("08:30")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(reminders)
    heading(page, "Your reminders")
    expect(page.locator(".messages")).to_contain_text(
        "Saved. Your reminders will come this way from now on."
    )
    expect(page.get_by_label(DAILY)).to_be_checked()
    expect(page.get_by_label(SINGLE)).not_to_be_checked()
    expect(page.get_by_label("Time for the daily email")).to_have_value("08:30")
    choice = StaffReminderChoice.objects.get(staff=world.helen)
    assert (choice.how, choice.digest_at) == (StaffReminderChoice.How.DIGEST, dt.time(8, 30))
    axe(page, javascript, "Your reminders, saved")

    # The daily email with no time: she is told what to give, and her choice is kept.
    page.get_by_label("Time for the daily email").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    heading(page, "Your reminders")
    expect(page.get_by_text("Please give a time for the daily email, like 09:00.")).to_be_visible()
    expect(page.locator(".messages")).to_have_count(0)
    expect(page.get_by_label(DAILY)).to_be_checked()
    expect(page.get_by_label("Time for the daily email")).to_have_value("")
    choice.refresh_from_db()
    assert choice.digest_at == dt.time(8, 30), "nothing was saved"
    axe(page, javascript, "Your reminders, with an error")


# --- 2. Dee passes a message on -------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_dee_passes_a_message_on_to_precious_and_says_so(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    precious = precious_through_dee(world)
    task = to_pass_on(precious, world.dee)
    queue = url(live_server, "sessions_app:support_queue", world.group.pk)

    page = new_page(offline_context, DESKTOP, javascript)
    sign_in_with_password(page, "dee")
    page.goto(url(live_server, "groups:roster", world.group.pk))
    page.get_by_role("navigation", name="Pages for this group").get_by_role(
        "link", name="Support requests"
    ).click()
    expect(page).to_have_url(queue)
    heading(page, "Support requests")
    expect(page.get_by_role("heading", name="To pass on", level=2)).to_be_visible()
    table = page.get_by_role("table", name="Waiting first, longest waiting at the top.")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Precious"))
    expect(row).to_contain_text("Hi Precious, how are things?")
    axe(page, javascript, "Support requests, to pass on")
    row.get_by_role("button", name="I passed it on to Precious").click()

    expect(page).to_have_url(queue)
    expect(page.locator(".messages")).to_contain_text("Thank you. It is marked as passed on.")
    expect(row).to_contain_text("Passed on by Dee Okafor")
    expect(row.get_by_role("button", name=re.compile("^I passed it on"))).to_have_count(0)
    task.refresh_from_db()
    assert task.done_by == world.dee and task.done_at is not None
    axe(page, javascript, "Support requests, passed on")


# --- 3. Sam asks for a sign-in code -------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_sam_asks_for_a_code_is_told_what_to_type_then_gets_it_by_text(
    javascript, live_server, offline_context, settings
):
    settings.HEARTH_OUTBOX_BACKENDS = {
        **settings.HEARTH_OUTBOX_BACKENDS,
        "sms": "coproduction.outbox.backends.MemoryBackend",
    }
    MemoryBackend.sent.clear()
    make_world()  # Sam allows texts only, to 07700 900123, from "Jo"
    page = new_page(offline_context, PHONE, javascript)
    ask = live_server.url + "/accounts/login/code/"
    page.goto(ask)
    heading(page, "Get a code")
    box = page.get_by_label("Your email address or mobile number")
    box.fill("hello")
    page.get_by_role("button", name="Send me a code").click()

    expect(page).to_have_url(ask)
    heading(page, "Get a code")
    expect(
        page.get_by_text("Type an email address, or a mobile number such as 07700 900123.")
    ).to_be_visible()
    expect(box).to_have_value("hello")
    assert MemoryBackend.sent == []
    axe(page, javascript, "Get a code, with an error")

    box.fill(SAM_PHONE)
    page.get_by_role("button", name="Send me a code").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/code/confirm/")
    heading(page, "Type your code")
    [(_, to, sender, body)] = MemoryBackend.sent
    assert (to, sender) == (SAM_PHONE, "Jo")
    assert CODE_IN_MESSAGE.search(body), body
    expect(page.get_by_label("Code")).to_be_visible()
    axe(page, javascript, "Type your code, after a texted code")


# --- 4. Sam asks for a note of each change ----------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_sam_asks_for_a_note_when_she_changes_what_she_agreed_to(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    page = new_page(offline_context, PHONE, javascript)
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")
    page.get_by_role("link", name="How you may contact me").tap()

    contact = url(live_server, "groups:my_contact")
    expect(page).to_have_url(contact)
    heading(page, "How you may contact me")
    receipts = page.get_by_label(RECEIPTS)
    expect(receipts).not_to_be_checked()
    axe(page, javascript, "How you may contact me")
    receipts.check()
    page.get_by_role("button", name="Save", exact=True).tap()

    expect(page).to_have_url(url(live_server, "member_home"))
    expect(page.locator(".messages")).to_contain_text("Saved. Thank you for checking.")
    assert SafeContactProfile.objects.get(member=world.sam).wants_receipts is True
    page.get_by_role("link", name="How you may contact me").tap()

    expect(page).to_have_url(contact)
    heading(page, "How you may contact me")
    expect(page.get_by_label(RECEIPTS)).to_be_checked()
    axe(page, javascript, "How you may contact me, with a note asked for")


# --- 5. A note on her home ------------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_sam_finds_a_note_that_one_of_her_choices_changed(
    javascript, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    left_on_her_home(world.sam, notices.CONSENT_RECEIPT, ago=dt.timedelta(days=2), key="receipt")
    page = new_page(offline_context, PHONE, javascript)
    sign_in_with_password(page, "sam")
    expect(page).to_have_url(url(live_server, "member_home"))
    heading(page, "Hello, Sam")
    expect(page.get_by_role("heading", name="For you today")).to_be_visible()
    note = page.locator(".alert").filter(has_text="One of your choices changed on")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(
        re.compile(r"One of your choices changed on \S.*\. Was that you\?")
    )
    see = note.get_by_role("link", name="See your choices", exact=True)
    expect(see).to_be_in_viewport()
    axe(page, javascript, "Home, with a note of a changed choice")
    see.tap()

    expect(page).to_have_url(url(live_server, "consent:my_choices"))
    heading(page, "Your choices")
