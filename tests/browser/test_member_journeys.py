"""The member portal in a real phone-sized Chromium: joining from a link, taking a break
and coming back, writing a support plan and choosing who sees it. axe (WCAG 2.0, 2.1
and 2.2 A and AA) finds nothing on any page she meets, and no page scrolls sideways.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from groups import services
from groups.models import Membership, SupportPlan
from tests.factories import (
    CoproGroupFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
PASSWORD_FOR_PRECIOUS = "kettle-garden-42-blue"


def check_page(page, where: str) -> None:
    """axe finds no violations, and the page fits the phone's width."""
    # After a tap the new page may still be fetching its stylesheet (seen under load):
    # axe must judge the page as she sees it, so wait for the load event first.
    page.wait_for_load_state("load")
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{where} scrolls sideways on a phone"


def heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


@pytest.fixture
def tuesday(db):
    """The Tuesday group: Helen facilitates, Dee is the support worker, and a published
    agreement with a new draft being written."""
    group = CoproGroupFactory(member_facing_name="Tuesday group")
    helen = StaffFactory(username="helen", first_name="Helen", last_name="Ward")
    dee = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    version = services.agreement_draft_save(
        group=group,
        acting_user=helen,
        text="We listen to each other.\n\nWhat is said here stays here.",
    )
    services.agreement_publish(version=version, acting_user=helen)
    return group, helen, dee


@pytest.fixture
def sam(tuesday):
    group, _, dee = tuesday
    user = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    MembershipFactory(user=user, group=group, support_worker=dee)
    return user


@pytest.mark.browser
def test_an_invitee_joins_from_her_link(live_server, phone_page, tuesday):
    group, helen, _ = tuesday
    _, token = services.invitation_create(
        group=group, acting_user=helen, email="jade@example.org", phone="07700 900123"
    )
    page = phone_page

    page.goto(f"{live_server.url}/join/{token}/")
    heading(page, "What would you like to be called?")
    check_page(page, "join: name")
    page.get_by_role("button", name="Next").click()  # nothing typed: she is told what to do
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    check_page(page, "join: name, with an error")
    page.get_by_label("Your name").fill("Jade")
    page.get_by_role("button", name="Next").click()

    heading(page, "How may we contact you?")
    check_page(page, "join: contact")
    for label in ("Email", "Text message to my phone", "Phone call"):
        expect(page.get_by_label(label)).not_to_be_checked()
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Next").click()

    heading(page, "Our group agreement")
    expect(page.get_by_text("We listen to each other.")).to_be_visible()
    check_page(page, "join: agreement")
    page.get_by_label("I agree with the group agreement").check()
    page.get_by_role("button", name="Join").click()

    expect(page).to_have_url(live_server.url + "/my/")
    heading(page, "Hello, Jade")
    expect(page.get_by_text("Welcome, Jade. You are in the Tuesday group.")).to_be_visible()
    check_page(page, "home after joining")

    # The link is spent: opening it again is a kind dead end.
    page.goto(f"{live_server.url}/join/{token}/")
    heading(page, "This link is not working")
    expect(page.get_by_text("Ask the person who sent it for a new one.")).to_be_visible()


@pytest.mark.browser
def test_precious_joins_without_email_and_chooses_a_password(live_server, phone_page, tuesday):
    group, helen, dee = tuesday
    _, token = services.invitation_create(group=group, acting_user=helen, support_worker=dee)
    page = phone_page

    page.goto(f"{live_server.url}/join/{token}/")
    page.get_by_label("Your name").fill("Precious")
    page.get_by_role("button", name="Next").click()
    heading(page, "How may we contact you?")
    page.get_by_label("Through my support worker, who tells me in person").check()
    page.get_by_role("button", name="Next").click()
    heading(page, "Our group agreement")
    page.get_by_role("button", name="Next").click()  # she will say later

    heading(page, "Choose a password")
    check_page(page, "join: password")
    page.locator("input[name=password1]").fill(PASSWORD_FOR_PRECIOUS)
    page.locator("input[name=password2]").fill(PASSWORD_FOR_PRECIOUS + "x")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords are not the same.")
    check_page(page, "join: password, with an error")
    page.locator("input[name=password1]").fill(PASSWORD_FOR_PRECIOUS)
    page.locator("input[name=password2]").fill(PASSWORD_FOR_PRECIOUS)
    page.get_by_role("button", name="Join").click()

    heading(page, "Hello, Precious")
    expect(
        page.get_by_text(re.compile(r"use the name precious\S* and your password"))
    ).to_be_visible()
    # The agreement still waits for her answer, and home says so first.
    expect(page.get_by_text("There is a new group agreement.")).to_be_visible()
    check_page(page, "home for a new member with an agreement to answer")


@pytest.mark.browser
def test_an_expired_link_page(live_server, phone_page, db):
    phone_page.goto(f"{live_server.url}/join/no-such-link/")
    heading(phone_page, "This link is not working")
    check_page(phone_page, "join: link not working")


@pytest.mark.browser
def test_a_member_takes_a_break_and_comes_back_in_two_taps(
    live_server, phone_page, sign_in_with_password, sam
):
    page = phone_page
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")

    page.get_by_role("link", name="Take a break").tap()  # tap 1
    heading(page, "Take a break from the group")
    expect(page.get_by_text("Nothing is lost. Come back whenever you want.")).to_be_visible()
    check_page(page, "step back")
    page.get_by_role("button", name="Take a break").tap()  # tap 2

    heading(page, "Hello, Sam")
    expect(page.get_by_text("You are taking a break from the Tuesday group.")).to_be_visible()
    expect(page.get_by_role("link", name="Take a break")).to_have_count(0)
    check_page(page, "home while on a break")
    assert Membership.objects.get(user=sam).is_stepped_back

    page.get_by_role("button", name="Come back").tap()  # one tap back
    heading(page, "Hello, Sam")
    expect(page.get_by_text("Welcome back to the Tuesday group. Nothing was lost.")).to_be_visible()
    expect(page.get_by_role("link", name="Take a break")).to_be_visible()
    assert Membership.objects.get(user=sam).is_active


@pytest.mark.browser
def test_a_member_writes_her_support_plan_and_chooses_who_sees_it(
    live_server, phone_page, sign_in_with_password, sam, tuesday
):
    _, helen, dee = tuesday
    page = phone_page
    sign_in_with_password(page, "sam")

    page.get_by_role("link", name="My plan").tap()
    heading(page, "My support plan")
    expect(page.get_by_text("Only you can see it.")).to_be_visible()
    check_page(page, "support plan, empty")
    page.get_by_label("What helps me").fill("A quiet corner and a cup of tea.")
    page.get_by_label("Please don't").fill("Please don't touch my shoulder.")
    page.get_by_role("button", name="Save my plan").tap()
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()
    expect(page.get_by_label("What helps me")).to_have_value("A quiet corner and a cup of tea.")

    page.get_by_role("link", name="Choose who can see it").tap()
    heading(page, "Who can see my plan")
    expect(page.get_by_label("Dee Okafor")).not_to_be_checked()
    expect(page.get_by_label("Helen Ward")).not_to_be_checked()
    check_page(page, "who can see my plan")
    page.get_by_label("Dee Okafor").check()
    page.get_by_role("button", name="Save").tap()

    heading(page, "My support plan")
    expect(page.get_by_text("Saved. You and Dee Okafor can see your plan.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Dee Okafor")).to_be_visible()
    check_page(page, "support plan, shared")
    plan = SupportPlan.objects.get(member=sam)
    assert list(plan.readers.all()) == [dee]

    services.support_plan_read(plan=plan, viewer=dee)
    page.get_by_role("link", name="See who has looked at it").tap()
    heading(page, "Who has looked at my plan")
    expect(
        page.get_by_text(re.compile(r"Dee Okafor looked at your plan on .+ at \d\d:\d\d"))
    ).to_be_visible()
    check_page(page, "who looked at my plan")


@pytest.mark.browser
def test_every_member_page_passes_axe(live_server, phone_page, sign_in_with_password, sam, tuesday):
    group, helen, _ = tuesday
    services.agreement_draft_save(
        group=group, acting_user=helen, text="We take breaks when needed."
    )
    page = phone_page
    sign_in_with_password(page, "sam")
    my = f"{live_server.url}/my"
    pages = [
        (f"{my}/", "Hello, Sam"),
        (f"{my}/details/", "My details"),
        (f"{my}/contact/", "How you may contact me"),
        (f"{my}/people/", "People who can support me"),
        (f"{my}/plan/", "My support plan"),
        (f"{my}/plan/who-can-see/", "Who can see my plan"),
        (f"{my}/plan/who-looked/", "Who has looked at my plan"),
        (f"{my}/groups/{group.pk}/step-back/", "Take a break from the group"),
        (f"{my}/groups/{group.pk}/leave/", "Leave the Tuesday group"),
        (f"{my}/groups/{group.pk}/agreement/", "Our agreement"),
    ]
    for url, title in pages:
        page.goto(url)
        heading(page, title)
        check_page(page, url)


@pytest.mark.browser
def test_forms_with_errors_pass_axe(live_server, phone_page, sign_in_with_password, sam, tuesday):
    group, _, _ = tuesday
    page = phone_page
    sign_in_with_password(page, "sam")

    page.goto(f"{live_server.url}/my/contact/")
    page.get_by_label("Text message to my phone").check()
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("alert")).to_contain_text("Add your number, or untick texts and calls.")
    check_page(page, "contact, with errors")

    page.goto(f"{live_server.url}/my/people/")
    page.get_by_label("Their email or phone number (optional)").fill("rose@example.org")
    page.get_by_role("button", name="Add").tap()
    expect(page.get_by_role("alert")).to_contain_text("Choose how to reach them.")
    check_page(page, "support contacts, with errors")

    page.goto(f"{live_server.url}/my/groups/{group.pk}/agreement/")
    page.get_by_label("I do not agree with all of it").check()
    page.get_by_role("button", name="Save my answer").tap()
    expect(page.get_by_role("alert")).to_contain_text("Tell us what you disagree with")
    check_page(page, "agreement, with errors")
    page.get_by_label("What would you change?").fill("Phones off, not just on silent.")
    page.get_by_role("button", name="Save my answer").tap()
    expect(
        page.get_by_text("Thank you. The group will talk about what you would change.")
    ).to_be_visible()

    page.goto(f"{live_server.url}/my/details/")
    page.get_by_label("The name you want to be called").fill("")
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "details, with errors")
    page.get_by_label("The name you want to be called").fill("Sammy")
    page.get_by_label("Regular breaks").check()
    page.get_by_role("button", name="Save").tap()
    heading(page, "Hello, Sammy")


@pytest.mark.browser
def test_a_member_adds_and_removes_someone_who_can_support_her(
    live_server, phone_page, sign_in_with_password, sam
):
    page = phone_page
    sign_in_with_password(page, "sam")
    page.get_by_role("link", name="More", exact=True).tap()
    page.get_by_role("link", name="People who can support me").tap()
    heading(page, "People who can support me")
    expect(page.get_by_label("Contact them if you are worried about me")).not_to_be_checked()
    page.get_by_label("Someone I trust").check()
    page.get_by_label("Their name (optional)").fill("Auntie Rose")
    page.get_by_label("How to reach them (optional)").select_option("sms")
    page.get_by_label("Their email or phone number (optional)").fill("07700 900456")
    page.get_by_role("button", name="Add").tap()
    expect(page.get_by_text("Auntie Rose is added.")).to_be_visible()
    expect(page.get_by_role("heading", name="Auntie Rose")).to_be_visible()
    check_page(page, "support contacts, with one")
    page.get_by_role("button", name="Remove Auntie Rose").tap()
    expect(page.get_by_text("Auntie Rose is removed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Auntie Rose")).to_have_count(0)
