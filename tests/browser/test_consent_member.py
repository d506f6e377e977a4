"""Her consent pages in a real phone-sized Chromium: she withdraws a consent in two taps
and sees it in her history; the things she said, who sees what, and her data. axe
(WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on any of these pages, and none scrolls
sideways."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent import policy, services
from consent.models import Answer, ConsentEvent, DataExport, ErasureRequest
from groups.models import Membership
from tests.browser.test_member_journeys import check_page, heading
from tests.conftest import ensure_purposes
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory

ANON_QUOTES = "May we use your words in reports, without your name?"


@pytest.fixture
def purposes(transactional_db):
    """A live-server test empties the tables after each test, migration data included."""
    return ensure_purposes()


@pytest.fixture
def sam(purposes):
    """Sam in the Tuesday group (Helen facilitates, Dee supports her). Some time ago she
    said yes to her words being used in reports without her name."""
    group = CoproGroupFactory(member_facing_name="Tuesday group")
    helen = StaffFactory(username="helen", first_name="Helen", last_name="Ward")
    dee = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    user = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    MembershipFactory(user=user, group=group, support_worker=dee)
    services.consent_record(
        member=user, purpose=purposes["anonymous_quotes"], answer=Answer.YES, acting_user=user
    )
    services.contribution_add(
        member=user,
        group=group,
        text="Reception should not ask why I need an appointment.",
        kind="quote",
        visibility="anonymised",
        acting_user=user,
    )
    return user


def purpose_row(page, slug: str):
    return page.locator(f"#purpose-{slug}")


def answer_button(page, label: str):
    return page.get_by_role("main").get_by_role("button", name=label, exact=True)


@pytest.mark.browser
def test_she_withdraws_a_consent_from_the_summary_and_sees_it_in_her_history(
    live_server, phone_page, sign_in_with_password, sam
):
    page = phone_page
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")

    page.get_by_role("link", name="Your choices").tap()
    heading(page, "Your choices")
    expect(purpose_row(page, "anonymous_quotes")).to_contain_text("Yes")
    # The summary asks nothing itself: one thing per screen.
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    check_page(page, "choices")

    purpose_row(page, "anonymous_quotes").get_by_role("link", name=re.compile("^Change")).tap()
    heading(page, ANON_QUOTES)
    expect(answer_button(page, "Yes")).to_have_attribute("aria-pressed", "true")
    expect(answer_button(page, "No")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(3)
    check_page(page, "one question")

    answer_button(page, "No").tap()

    expect(page).to_have_url(re.compile(r"/my/choices/#purpose-anonymous_quotes$"))
    expect(page.get_by_text(f"Saved: you said No to ‘{ANON_QUOTES}’.")).to_be_visible()
    expect(purpose_row(page, "anonymous_quotes")).to_contain_text("No")
    # She lands on the row she changed, not hidden under the sticky header.
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.
    row = purpose_row(page, "anonymous_quotes")
    for _ in range(50):
        if page.evaluate("() => window.scrollY") > 0:
            break
        page.wait_for_timeout(100)
    expect(row).to_be_in_viewport()
    uncovered = row.evaluate(
        """row => { const header = document.querySelector(".member-header");
                  return row.getBoundingClientRect().top
                         >= header.getBoundingClientRect().bottom - 1; }"""
    )
    assert uncovered, "the answer she changed is under the sticky header"
    check_page(page, "choices after saying no")
    assert ConsentEvent.objects.filter(member=sam).order_by("-id").first().answer == "no"
    assert not policy.allows(sam, "anonymous_quotes")

    page.get_by_role("link", name="See what you said before").tap()
    heading(page, "What you said before")
    items = page.get_by_role("main").get_by_role("listitem")
    expect(items.nth(0)).to_have_text(re.compile(rf"you said no to ‘{re.escape(ANON_QUOTES)}’"))
    expect(items.nth(1)).to_have_text(re.compile(rf"you said yes to ‘{re.escape(ANON_QUOTES)}’"))
    check_page(page, "history")


@pytest.mark.browser
def test_keep_my_answer_after_new_wording_is_one_tap(
    live_server, phone_page, sign_in_with_password, sam, quotes_reworded
):
    page = phone_page
    sign_in_with_password(page, "sam")
    page.get_by_role("link", name="Your choices").tap()
    row = purpose_row(page, "anonymous_quotes")
    expect(row.get_by_text("The words changed. Please look again.")).to_be_visible()
    check_page(page, "choices with new wording")
    row.get_by_role("link", name=re.compile("^Change")).tap()
    expect(page.get_by_text("Now also in talks, never with your name.")).to_be_visible()
    check_page(page, "a question with new wording")
    answer_button(page, "Yes").tap()
    expect(page.get_by_text("The words changed.")).to_have_count(0)
    last = ConsentEvent.objects.filter(member=sam).order_by("-id").first()
    assert (last.answer, last.text.version) == ("yes", 2)


@pytest.mark.browser
def test_things_she_said_and_who_sees_them(live_server, phone_page, sign_in_with_password, sam):
    page = phone_page
    sign_in_with_password(page, "sam")
    page.get_by_role("link", name="More", exact=True).tap()
    page.get_by_role("link", name="Things you said").tap()
    heading(page, "Things you said")
    expect(page.get_by_text("In reports: used without your name.")).to_be_visible()
    expect(page.get_by_label("Only me", exact=True).last).to_be_checked()  # the new one
    check_page(page, "things you said")

    page.get_by_role("button", name="Keep it").tap()  # nothing written
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "things you said, with an error")
    page.get_by_label("Your words").fill("Texts the day before, not the week before.")
    page.get_by_role("button", name="Keep it").tap()
    expect(page.get_by_text("Kept. Who may see it: Only me.")).to_be_visible()
    expect(page.get_by_text("Texts the day before, not the week before.")).to_be_visible()

    page.goto(f"{live_server.url}/my/")
    page.get_by_role("link", name="More", exact=True).tap()
    page.get_by_role("link", name="Who sees what").tap()
    heading(page, "Who sees what about me")
    outputs = page.locator("section", has=page.get_by_role("heading", name="Reports and talks"))
    expect(outputs).to_contain_text("Reception should not ask why I need an appointment.")
    expect(page.get_by_text("Texts the day before")).to_have_count(0)  # only her
    check_page(page, "who sees what")


@pytest.mark.browser
def test_her_data_pages(live_server, phone_page, sign_in_with_password, sam):
    DataExport.objects.create(member=sam)
    DataExport.objects.create(
        member=sam, status=DataExport.Status.READY, path="x.zip", ready_at=timezone.now()
    )
    page = phone_page
    sign_in_with_password(page, "sam")
    page.get_by_role("link", name="More", exact=True).tap()
    page.get_by_role("link", name="Your information").tap()
    heading(page, "Your information")
    expect(page.get_by_text("Come back in a minute.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Save the file"))).to_be_visible()
    check_page(page, "your information")

    page.get_by_role("link", name="Erase my information").tap()
    heading(page, "Erase my information")
    expect(page.get_by_text("Your account is closed. You cannot sign in any more.")).to_be_visible()
    check_page(page, "erase")
    page.get_by_role("button", name="Erase my information").tap()  # not ticked
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to say you want this.")
    check_page(page, "erase, with an error")
    page.get_by_label("Yes, erase my information and close my account").check()
    page.get_by_role("button", name="Erase my information").tap()

    heading(page, "Your information")
    expect(
        page.get_by_text(re.compile(r"Your information will be erased by \d+ \w+( \d{4})?\."))
    ).to_be_visible()
    erasure = ErasureRequest.objects.get(member=sam)
    # A facilitator confirms it, noting a record that must be kept: she sees why.
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        status=ErasureRequest.Status.CONFIRMED,
        kept_for_legal_reasons="A safeguarding record, kept for 6 years by law.",
    )
    page.reload()
    expect(page.get_by_text("A safeguarding record, kept for 6 years by law.")).to_be_visible()
    expect(page.get_by_text(re.compile("A facilitator has confirmed it."))).to_be_visible()
    check_page(page, "your information, erasure asked for")
    page.get_by_role("button", name="I changed my mind").tap()
    expect(page.get_by_text("You changed your mind. Nothing will be erased.")).to_be_visible()
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.WITHDRAWN


@pytest.mark.browser
def test_every_consent_page_passes_axe(live_server, phone_page, sign_in_with_password, sam):
    page = phone_page
    sign_in_with_password(page, "sam")
    my = f"{live_server.url}/my"
    for url, title in [
        (f"{my}/", "Hello, Sam"),
        (f"{my}/choices/", "Your choices"),
        (f"{my}/choices/photos/", "May we take photos with you in them?"),
        (f"{my}/choices/history/", "What you said before"),
        (f"{my}/contributions/", "Things you said"),
        (f"{my}/who-sees-what/", "Who sees what about me"),
        (f"{my}/who-looked/", "Who looked at my details"),
        (f"{my}/more/", "More"),
        (f"{my}/data/", "Your information"),
        (f"{my}/data/remove/", "Erase my information"),
    ]:
        page.goto(url)
        heading(page, title)
        check_page(page, url)
