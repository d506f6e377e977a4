"""Exit this page, behaviour by behaviour as GOV.UK Frontend's own tests of the component
check it (exit-this-page.puppeteer.test.js), in real Chromium.

As GOV.UK's tests do, a test that must watch the page after activation points the
button's link at "#", so leaving becomes a same-page jump and the overlay stays to
be looked at; the skip link leaves by the button's link too. Timers run on
Playwright's clock, so the 5 seconds are exact and cost nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_sign_in_and_exit import EXIT_BUTTON, on_neutral_site, signed_out

OVERLAY = ".exit-this-page-overlay"
TWO_MORE = "Shift, press 2 more times to exit."
ONE_MORE = "Shift, press 1 more time to exit."
EXPIRED = "Exit this page expired."
FORBIDDEN = ("erase", "support", "trauma", "consent", "charity", "abuse", "plan")

# Notes what the overlay said at the moment it was put into the page (a
# MutationObserver would see it only after the script had finished).
WATCH_OVERLAY = """() => {
window.__overlay = [];
var appendChild = Node.prototype.appendChild;
Node.prototype.appendChild = function (node) {
  if (node.classList && node.classList.contains("exit-this-page-overlay")) {
    window.__overlay.push({inserted_with: node.textContent, role: node.getAttribute("role")});
  }
  return appendChild.call(this, node);
};
}"""


@pytest.fixture
def member_page(live_server, sign_in_with_password, sam):
    """Sam signed in, on her home page with exit-this-page.js listening."""

    def open_home(page):
        sign_in_with_password(page, "sam")
        expect(page).to_have_url(live_server.url + "/my/")
        page.wait_for_load_state("load")
        return page

    return open_home


def stay_on_the_page(page) -> None:
    page.locator("[data-exit-this-page-button]").evaluate("a => a.setAttribute('href', '#')")


def status(page):
    return page.locator("[data-exit-this-page-status]")


def lit(page):
    return page.locator("[data-exit-this-page-indicator] span.is-lit")


def covered(page) -> None:
    """The overlay covers the page, says "Loading." as an alert, and the page is hidden."""
    overlay = page.locator(OVERLAY)
    expect(overlay).to_have_count(1)
    expect(overlay).to_have_text("Loading.")
    expect(overlay).to_have_attribute("role", "alert")
    expect(overlay).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bexit-this-page-hide-content\b"))
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    expect(status(page)).to_have_text("")


@pytest.mark.browser
def test_the_skip_link_covers_the_page_first_as_the_button_does(desktop_page, member_page):
    page = member_page(desktop_page)
    page.evaluate(WATCH_OVERLAY)
    stay_on_the_page(page)
    skiplink = page.locator("[data-exit-this-page-skiplink]")
    skiplink.focus()
    expect(skiplink).to_be_visible()
    expect(skiplink).to_have_text("Exit this page")
    page.keyboard.press("Enter")
    covered(page)
    # Put in the page empty, then given its words: screen readers announce it.
    assert page.evaluate("window.__overlay") == [{"inserted_with": "", "role": "alert"}]


@pytest.mark.browser
def test_the_button_covers_the_page_first(phone_page, member_page):
    page = member_page(phone_page)
    page.evaluate(WATCH_OVERLAY)
    stay_on_the_page(page)
    page.get_by_role("link", name=EXIT_BUTTON).tap()
    covered(page)
    assert page.evaluate("window.__overlay") == [{"inserted_with": "", "role": "alert"}]


@pytest.mark.browser
def test_the_skip_link_leaves_and_signs_out(
    live_server, desktop_page, member_page, exit_url, neutral_visits
):
    page = member_page(desktop_page)
    page.locator("[data-exit-this-page-skiplink]").focus()
    page.keyboard.press("Enter")
    on_neutral_site(page, exit_url, neutral_visits)
    signed_out(page, live_server)


@pytest.mark.browser
def test_three_shifts_cover_the_page_then_leave_at_phone_size(
    live_server, phone_page, member_page, exit_url, neutral_visits
):
    page = member_page(phone_page)
    page.evaluate(WATCH_OVERLAY)
    stay_on_the_page(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    covered(page)
    assert page.evaluate("window.__overlay") == [{"inserted_with": "", "role": "alert"}]

    page.reload()  # the real link again
    page.wait_for_load_state("load")
    for _ in range(3):
        page.keyboard.press("Shift")
    on_neutral_site(page, exit_url, neutral_visits)
    signed_out(page, live_server)


@pytest.mark.browser
@pytest.mark.parametrize("other_key", ["a", "Tab", "Shift+A"])
def test_another_key_after_one_or_two_shifts_says_the_shortcut_expired(
    desktop_page, member_page, other_key
):
    page = member_page(desktop_page)
    page.keyboard.press("Shift")
    expect(status(page)).to_have_text(TWO_MORE)
    expect(lit(page)).to_have_count(1)
    page.keyboard.press(other_key)
    expect(status(page)).to_have_text(EXPIRED)
    expect(page.locator("[data-exit-this-page-indicator]")).to_be_hidden()

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status(page)).to_have_text(ONE_MORE)
    expect(lit(page)).to_have_count(2)
    page.keyboard.press(other_key)
    expect(status(page)).to_have_text(EXPIRED)
    expect(lit(page)).to_have_count(0)

    # Counting starts again from one: two more Shifts do not leave.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status(page)).to_have_text(ONE_MORE)
    expect(page.locator(OVERLAY)).to_have_count(0)


@pytest.mark.browser
def test_a_key_with_no_shift_pressed_before_says_nothing(desktop_page, member_page):
    page = member_page(desktop_page)
    page.keyboard.press("a")
    page.keyboard.press("Shift+B")
    expect(status(page)).to_have_text("")
    expect(lit(page)).to_have_count(0)


@pytest.mark.browser
def test_five_seconds_between_presses_each_restarting_the_count(
    live_server, desktop_page, sign_in_with_password, sam
):
    page = desktop_page
    page.clock.install()
    sign_in_with_password(page, "sam")
    page.wait_for_load_state("load")
    # From here time moves only when the test says so.
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)

    page.keyboard.press("Shift")
    page.clock.run_for(4_000)
    page.keyboard.press("Shift")
    page.clock.run_for(4_000)  # eight seconds since the first press, four since the last
    expect(status(page)).to_have_text(ONE_MORE)
    expect(lit(page)).to_have_count(2)
    page.clock.run_for(1_000)
    expect(status(page)).to_have_text(EXPIRED)
    expect(lit(page)).to_have_count(0)
    # The expiry is said for five seconds, then the live region is quiet again.
    page.clock.run_for(4_999)
    expect(status(page)).to_have_text(EXPIRED)
    page.clock.run_for(1)
    expect(status(page)).to_have_text("")
    expect(page.locator(OVERLAY)).to_have_count(0)


@pytest.mark.browser
def test_the_count_and_overlay_pass_axe_at_phone_size(phone_page, member_page):
    page = member_page(phone_page)
    page.keyboard.press("Shift")
    expect(lit(page)).to_have_count(1)
    assert_no_violations(page)
    stay_on_the_page(page)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    covered(page)
    assert_no_violations(page)


@pytest.mark.browser
def test_without_javascript_the_skip_link_still_leaves(
    live_server, offline_context, sign_in_with_password, sam, exit_url, neutral_visits
):
    page = offline_context(java_script_enabled=False).new_page()
    sign_in_with_password(page, "sam")
    skiplink = page.locator("[data-exit-this-page-skiplink]")
    expect(skiplink).to_have_attribute("href", "/exit/")
    skiplink.focus()
    page.keyboard.press("Enter")
    on_neutral_site(page, exit_url, neutral_visits)
    signed_out(page, live_server)


@pytest.mark.browser
def test_after_exit_back_shows_no_member_path_or_page_name(
    live_server, phone_page, member_page, exit_url, neutral_visits
):
    page = member_page(phone_page)
    page.goto(live_server.url + "/my/plan/")
    expect(page).to_have_title("My plan – Hearth")
    page.wait_for_load_state("load")
    page.get_by_role("link", name=EXIT_BUTTON).tap()
    on_neutral_site(page, exit_url, neutral_visits)

    page.go_back()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page).to_have_title("Sign in – Hearth")
    assert "next=" not in page.url
    assert "/my/" not in page.url
    title = page.title().lower()
    assert [word for word in FORBIDDEN if word in title or word in page.url] == []
    # Whatever Back reaches, she is signed out and sees no page of hers.
    expect(page.get_by_text("Hello, Sam")).to_have_count(0)
