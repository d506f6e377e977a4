"""axe-core finds no WCAG 2.2 A or AA failures on the pages people meet first.

Every page at phone size (the member portal is phone first); the two home pages
at desktop size too. axe catches only part of WCAG; this is a floor, not a ceiling.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import StaffFactory, UserFactory

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
    assert results.response["passes"], "axe ran no checks"
    assert results.violations_count == 0, results.generate_report()


def open_sign_in(page, live_server, sign_in_with_password):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def open_request_code(page, live_server, sign_in_with_password):
    page.goto(live_server.url + "/accounts/login/code/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a code")


def open_confirm_code(page, live_server, sign_in_with_password):
    UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    page.goto(live_server.url + "/accounts/login/code/")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_role("button", name="Send me a code").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/code/confirm/")


def open_exit_explained(page, live_server, sign_in_with_password):
    page.goto(live_server.url + "/leaving-quickly/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaving this site quickly")


def open_member_home(page, live_server, sign_in_with_password):
    UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    sign_in_with_password(page, "sam")
    expect(page).to_have_url(live_server.url + "/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")


def open_staff_home(page, live_server, sign_in_with_password):
    StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )
    sign_in_with_password(page, "helen")
    expect(page).to_have_url(live_server.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Helen Ward")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("size", "open_page"),
    [
        ("phone", open_sign_in),
        ("phone", open_request_code),
        ("phone", open_confirm_code),
        ("phone", open_exit_explained),
        ("phone", open_member_home),
        ("phone", open_staff_home),
        ("desktop", open_member_home),
        ("desktop", open_staff_home),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__.removeprefix("open_"),
)
def test_no_axe_violations(size, open_page, live_server, offline_context, sign_in_with_password):
    page = offline_context(**SIZES[size]).new_page()
    open_page(page, live_server, sign_in_with_password)
    assert_no_violations(page)
