"""The 404 and 403 pages pass axe in each shell: a member's at phone size (with Exit
this page working), staff's at desktop size."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from groups.models import Membership
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_sign_in_and_exit import EXIT_BUTTON
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory


@pytest.fixture
def group(sam):
    """Sam is a member of it; Dee supports in it (and cannot invite)."""
    group = CoproGroupFactory(member_facing_name="Tuesday group")
    dee = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=sam, group=group, role=Membership.Role.MEMBER)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    return group


def error_page(page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert_no_violations(page)


@pytest.mark.browser
def test_member_404_and_403_pass_axe_with_exit(
    live_server, phone_page, sign_in_with_password, group
):
    page = phone_page
    page.goto(live_server.url + "/no-such-page/")
    error_page(page, "Page not found")
    expect(page.get_by_role("link", name=EXIT_BUTTON)).to_be_visible()

    sign_in_with_password(page, "sam")
    page.goto(f"{live_server.url}/staff/groups/{group.pk}/")
    error_page(page, "You cannot open this page")
    expect(page.get_by_role("link", name=EXIT_BUTTON)).to_be_visible()
    page.get_by_role("link", name="Go to the home page").tap()
    expect(page).to_have_url(live_server.url + "/my/")


@pytest.mark.browser
def test_staff_404_and_403_pass_axe(live_server, desktop_page, sign_in_with_password, group):
    page = desktop_page
    sign_in_with_password(page, "dee")
    page.goto(live_server.url + "/staff/no-such-page/")
    error_page(page, "Page not found")
    expect(page.get_by_role("link", name=EXIT_BUTTON)).to_have_count(0)

    page.goto(f"{live_server.url}/staff/groups/{group.pk}/invite/")
    error_page(page, "You cannot open this page")
    expect(page.get_by_text("Only the group's facilitators can do this.")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(live_server.url + "/staff/")
