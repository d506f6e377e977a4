"""axe-core finds no WCAG 2.2 A or AA failures on the staff consent pages.

Every page is checked at desktop size with enough data that each part of it shows,
forms with their errors showing too, and the busiest page at phone size. A support
worker's narrower view is checked as well. axe catches only part of WCAG; this is a
floor, not a ceiling.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from consent import services
from consent.models import Answer, ConsentEvent, Visibility
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import ensure_purposes
from tests.consent.test_staff_pages import HOW, make_world, purpose, say, share

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def assert_no_violations(page) -> None:
    page.wait_for_load_state("load")  # judge the page with its stylesheet applied
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def busy_world() -> SimpleNamespace:
    """The Tuesday group with answers, contributions at every visibility, an answer
    recorded on Sam's behalf, one erasure request waiting and one carried out."""
    w = make_world()
    for slug in list(ensure_purposes())[:4]:
        say(w.sam, slug, Answer.YES)
    say(w.maria, "photos", Answer.YES)
    say(w.jade, "photos", Answer.ASK)
    services.consent_record(
        member=w.sam,
        purpose=purpose("recordings"),
        answer=Answer.NO,
        acting_user=w.helen,
        method=ConsentEvent.Method.IN_PERSON,
        how_she_told_us=HOW,
    )
    for visibility in Visibility.values:
        share(w.sam, w.group, f"Reception should not call names out ({visibility}).", visibility)
    share(w.maria, w.group, "Text the day before, not the week before.", Visibility.CREDITED)
    services.erasure_request(member=w.jade, acting_user=w.jade)
    maria = services.erasure_request(member=w.maria, acting_user=w.maria)
    services.erasure_confirm(
        erasure=maria,
        acting_user=w.helen,
        kept_for_legal_reasons="A safeguarding record, held by the charity's lead.",
    )
    return w


def go(page, live_server, path: str, heading: str) -> None:
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def group_path(w, rest: str = "") -> str:
    return f"/staff/groups/{w.group.pk}/{rest}"


def sam_path(w, rest: str = "") -> str:
    return group_path(w, f"members/{w.sam_membership.pk}/{rest}")


def open_group_choices(page, live_server, w):
    go(page, live_server, group_path(w, "choices/"), f"Sharing choices in {w.group.name}")


def open_member_choices(page, live_server, w):
    go(page, live_server, sam_path(w, "choices/"), "Sam's sharing choices")


def open_member_choices_with_errors(page, live_server, w):
    open_member_choices(page, live_server, w)
    page.get_by_role("button", name="Record her answer").click()
    expect(page.get_by_text("Say how she told you.")).to_be_visible()


def open_member_choices_recorded(page, live_server, w):
    open_member_choices(page, live_server, w)
    page.get_by_label("What she answered").select_option("photos")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("On the phone").check()
    page.get_by_label("How she told you").fill("She rang me on Monday.")
    page.get_by_role("button", name="Record her answer").click()
    expect(page.get_by_text("Sam's answer is recorded.")).to_be_visible()


def open_member_choice_history(page, live_server, w):
    go(page, live_server, sam_path(w, "choices/history/"), "History of Sam's answers")


def open_member_contribution_add(page, live_server, w):
    go(page, live_server, sam_path(w, "contributions/"), "Write down something Sam said")


def open_member_contribution_add_with_errors(page, live_server, w):
    open_member_contribution_add(page, live_server, w)
    page.get_by_label("What she said").fill("More time at the desk.")
    page.get_by_role("button", name="Save it for her").click()
    expect(page.get_by_text("Write it down only if she agreed")).to_be_visible()


def open_group_contributions(page, live_server, w):
    go(page, live_server, group_path(w, "contributions/"), f"Contributions in {w.group.name}")


def open_erasure_requests(page, live_server, w):
    go(page, live_server, group_path(w, "erasure/"), "Requests to erase data")


PAGES = [
    ("desktop", open_group_choices),
    ("phone", open_group_choices),
    ("desktop", open_member_choices),
    ("desktop", open_member_choices_with_errors),
    ("desktop", open_member_choices_recorded),
    ("desktop", open_member_choice_history),
    ("desktop", open_member_contribution_add),
    ("desktop", open_member_contribution_add_with_errors),
    ("desktop", open_group_contributions),
    ("desktop", open_erasure_requests),
]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("size", "open_page"),
    PAGES,
    ids=lambda value: value if isinstance(value, str) else value.__name__.removeprefix("open_"),
)
def test_no_axe_violations_on_consent_staff_pages(
    size, open_page, live_server, offline_context, sign_in_with_password
):
    world = busy_world()
    page = offline_context(**SIZES[size]).new_page()
    sign_in_with_password(page, "helen")
    open_page(page, live_server, world)
    assert_no_violations(page)


@pytest.mark.browser
def test_no_axe_violations_on_the_support_workers_view(
    live_server, offline_context, sign_in_with_password
):
    world = busy_world()
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "dee")
    open_group_choices(page, live_server, world)
    assert_no_violations(page)
    open_member_choices(page, live_server, world)
    assert_no_violations(page)
    open_group_contributions(page, live_server, world)
    assert_no_violations(page)


@pytest.mark.browser
def test_confirming_an_erasure_in_the_browser(live_server, offline_context, sign_in_with_password):
    world = busy_world()
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "helen")
    open_erasure_requests(page, live_server, world)
    jade = page.get_by_role("article", name=re.compile("Jade"))
    jade.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(page.get_by_text("is carried out: her data is erased")).to_be_visible()
    expect(page.get_by_text("Jade")).to_have_count(0)
    maria = page.get_by_role("article", name=re.compile("Maria"))
    expect(maria.get_by_text("She can read this in her portal.")).to_be_visible()
    assert_no_violations(page)
