"""Sam signs in by a code texted to her phone, and "Exit this page" gets her out fast.

Exit this page (after GOV.UK Frontend's component): Shift pressed three times, or
the red button, ends the session and replaces the page with a neutral site; Back
must not bring Hearth's pages back.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from groups.models import SafeContactProfile
from tests.browser.conftest import PHONE
from tests.factories import UserFactory

CODE_IN_MESSAGE = re.compile(r"Your code is: (\S+)")
EXIT_BUTTON = "Emergency Exit this page"


def on_neutral_site(page, exit_url: str, neutral_visits) -> None:
    """She is on the neutral site, and it was not told where she came from."""
    expect(page).to_have_url(re.compile("^" + re.escape(exit_url)))
    expect(page).to_have_title("Weather")
    expect(page.locator("body")).to_have_text("Weather")
    assert neutral_visits, "the neutral site was not asked for"
    leaked = [visit["referer"] for visit in neutral_visits if "referer" in visit]
    assert leaked == [], "the neutral site was sent a Referer"


def signed_out(page, live_server) -> None:
    """Her session is gone: her home page now asks her to sign in."""
    page.goto(live_server.url + "/my/")
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def on_member_home(page, live_server, name: str = "Sam") -> None:
    expect(page).to_have_url(live_server.url + "/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")
    # exit-this-page.js is deferred: it listens once the document has loaded.
    page.wait_for_load_state("load")


@pytest.mark.browser
def test_sam_signs_in_by_a_texted_code_then_presses_shift_three_times(
    live_server, phone_page, settings, exit_url, neutral_visits
):
    settings.HEARTH_OUTBOX_BACKENDS = {
        **settings.HEARTH_OUTBOX_BACKENDS,
        "sms": "coproduction.outbox.backends.MemoryBackend",
    }
    MemoryBackend.sent.clear()
    sam = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    # A code goes only by a channel she allowed (rule 3): for Sam, texts, from "Jo".
    SafeContactProfile.objects.create(
        member=sam, channels=[Channel.SMS], phone="07700 900123", sender_name="Jo"
    )
    page = phone_page

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Send me a code").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/code/")
    page.get_by_label("Your email address or mobile number").fill("07700 900123")
    page.get_by_role("button", name="Send me a code").click()

    expect(page).to_have_url(live_server.url + "/accounts/login/code/confirm/")
    [(_, to, sender, body)] = MemoryBackend.sent
    assert (to, sender) == ("07700 900123", "Jo")
    code = CODE_IN_MESSAGE.search(body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    on_member_home(page, live_server)

    for _ in range(3):
        page.keyboard.press("Shift")
    on_neutral_site(page, exit_url, neutral_visits)

    # location.replace() took her home page out of this tab's history, and Hearth's
    # pages are no-store: Back shows no member page.
    page.go_back()
    expect(page.get_by_text("Hello, Sam")).to_have_count(0)
    assert not page.url.startswith(live_server.url + "/my/")

    signed_out(page, live_server)


@pytest.mark.browser
def test_exit_button_leaves_and_signs_out(
    live_server, phone_page, sign_in_with_password, exit_url, neutral_visits
):
    UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    page = phone_page
    sign_in_with_password(page, "sam@example.org")
    on_member_home(page, live_server)

    button = page.get_by_role("link", name=EXIT_BUTTON)
    expect(button).to_be_visible()
    button.tap()
    on_neutral_site(page, exit_url, neutral_visits)

    page.go_back()
    expect(page.get_by_text("Hello, Sam")).to_have_count(0)
    signed_out(page, live_server)


@pytest.mark.browser
def test_shift_as_a_modifier_or_too_slowly_does_not_exit(
    live_server, desktop_page, sign_in_with_password
):
    UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    page = desktop_page
    sign_in_with_password(page, "sam")
    on_member_home(page, live_server)
    status = page.locator("[data-exit-this-page-status]")
    indicator = page.locator("[data-exit-this-page-indicator]")
    overlay = page.locator(".exit-this-page-overlay")

    # Typing capitals is not a request to leave. The handlers run before
    # keyboard.press() returns, and exiting puts up the overlay at once.
    for _ in range(3):
        page.keyboard.press("Shift+A")
    expect(overlay).to_have_count(0)
    expect(indicator).to_be_hidden()
    expect(status).to_have_text("")

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    pressed_at = time.monotonic()
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    expect(indicator).to_be_visible()
    expect(indicator.locator("span.is-lit")).to_have_count(2)

    # After 5 seconds without a third press the count expires, and says so.
    expect(status).to_have_text("Exit this page expired.", timeout=8_000)
    assert time.monotonic() - pressed_at > 4.5
    expect(indicator).to_be_hidden()
    expect(overlay).to_have_count(0)
    on_member_home(page, live_server)

    # A third press now starts again from one.
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    expect(overlay).to_have_count(0)
    on_member_home(page, live_server)


@pytest.mark.browser
def test_without_javascript_exit_is_a_link_that_still_signs_out(
    live_server, offline_context, sign_in_with_password, exit_url, neutral_visits
):
    UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    page = offline_context(**PHONE, java_script_enabled=False).new_page()
    sign_in_with_password(page, "sam")
    on_member_home(page, live_server)

    button = page.get_by_role("link", name=EXIT_BUTTON)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("href", "/exit/")
    button.click()
    on_neutral_site(page, exit_url, neutral_visits)
    signed_out(page, live_server)
