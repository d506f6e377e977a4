"""Sam's home and her choices in a real phone-sized Chromium, one thing per screen: the
home leads with what needs her and offers "I need support" and at most six plain
choices; each question of "Your choices" fits on one screen, and she changes an answer
from the summary. axe finds nothing on any of these pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consent import policy
from tests.browser.test_consent_member import ANON_QUOTES, purpose_row
from tests.browser.test_consent_member import purposes as purposes  # noqa: F401 (fixture)
from tests.browser.test_consent_member import sam as sam  # noqa: F401 (fixture)
from tests.browser.test_member_journeys import check_page, heading

PHONE_HEIGHT = 844


def main_controls(page):
    return page.get_by_role("main").locator("a, button")


@pytest.mark.browser
def test_sams_home_is_one_calm_screen(live_server, phone_page, sign_in_with_password, sam):
    page = phone_page
    sign_in_with_password(page, "sam")
    heading(page, "Hello, Sam")
    expect(page.get_by_text("Nothing needs you today.")).to_be_visible()
    # Six plain choices, and "I need support", which every member home carries.
    expect(main_controls(page)).to_have_count(7)
    for label in (
        "I need support",
        "Your dates",
        "Your choices",
        "How you may contact me",
        "My plan",
        "More",
    ):
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    check_page(page, "home")

    page.get_by_role("link", name="More", exact=True).tap()
    heading(page, "More")
    check_page(page, "more")


@pytest.mark.browser
def test_new_words_are_the_first_thing_on_her_home(
    live_server, phone_page, sign_in_with_password, sam, quotes_reworded
):
    page = phone_page
    sign_in_with_password(page, "sam")
    notice = page.get_by_text("We changed the words of a question you answered.")
    expect(notice).to_be_in_viewport()
    check_page(page, "home with changed words")
    page.get_by_role("link", name="Look at the new words").tap()
    heading(page, "May we quote you in reports and talks, without your name?")


@pytest.mark.browser
def test_each_question_fits_one_screen_and_she_changes_it_from_the_summary(
    live_server, phone_page, sign_in_with_password, sam, purposes
):
    page = phone_page
    sign_in_with_password(page, "sam")
    page.get_by_role("link", name="Your choices").tap()
    heading(page, "Your choices")
    rows = page.locator(".answer-row")
    expect(rows).to_have_count(len(purposes))
    check_page(page, "summary")

    for slug in purposes:
        page.goto(live_server.url + reverse("consent:my_choice_set", args=[slug]))
        height = page.evaluate(
            "() => document.querySelector('main').getBoundingClientRect().bottom"
        )
        assert height <= PHONE_HEIGHT, (slug, height)
        expect(page.get_by_role("main").get_by_role("button")).to_have_count(3)

    page.goto(f"{live_server.url}/my/choices/")
    purpose_row(page, "anonymous_quotes").get_by_role("link", name=re.compile("^Change")).tap()
    heading(page, ANON_QUOTES)
    page.get_by_role("main").get_by_role("button", name="No", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/my/choices/#purpose-anonymous_quotes$"))
    expect(purpose_row(page, "anonymous_quotes")).to_contain_text("No")
    check_page(page, "summary after a change")
    assert not policy.allows(sam, "anonymous_quotes")
