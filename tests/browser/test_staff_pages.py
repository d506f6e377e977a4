"""axe-core finds no WCAG 2.2 A or AA failures on the staff pages of the groups work.

Staff use a laptop (desktop size) but the pages must still work on a phone, so the
busiest pages are checked at both sizes. Forms are checked with their errors showing
too. axe catches only part of WCAG; this is a floor, not a ceiling.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import (
    AgreementComment,
    AgreementResponse,
    Membership,
    SupportContact,
    SupportPlan,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory
from tests.groups.staff_data import (
    draft,
    give_details,
    give_sam_her_details,
    member_of,
    published,
    train,
)

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


def make_world() -> SimpleNamespace:
    """The Tuesday group of PEOPLE.md with enough in it that every part of each page shows."""
    group = CoproGroupFactory(name="Primary care access – Tuesday")
    helen = StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )
    dee = StaffFactory(
        username="dee", first_name="Dee", last_name="Okafor", email="dee.okafor@example.org"
    )
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    today = timezone.localdate()
    train(helen, "trauma_informed", "facilitation", completed_on=today - dt.timedelta(days=30))
    train(
        dee,
        "safeguarding",
        completed_on=today - dt.timedelta(days=800),
        expires_on=today - dt.timedelta(days=70),
    )

    sam = UserFactory(username="sam", first_name="Sam", email="sam@example.org")
    give_sam_her_details(sam)
    sam_membership = MembershipFactory(user=sam, group=group, support_worker=dee)
    maria = UserFactory(username="maria", first_name="Maria", email="maria@example.org")
    give_details(maria, name="Maria", channels=["email"], safe_days=[0, 1, 2, 3, 4])
    MembershipFactory(user=maria, group=group)
    member_of(
        group,
        "Jade",
        status=Membership.Status.STEPPED_BACK,
        stepped_back_until=today + dt.timedelta(days=20),
    )
    member_of(group, "Lou", status=Membership.Status.LEFT)

    SupportContact.objects.create(member=sam, kind="support_worker", staff_user=dee)
    SupportContact.objects.create(
        member=sam, kind="trusted_person", name="Bea", contact_if_worried=True
    )
    plan = SupportPlan.objects.create(
        member=sam, what_helps="A quiet word before we start", please_do_not="Call my name out"
    )
    plan.readers.add(helen)

    v1 = published(group, 1, "We listen to each other.\n\nWe keep what is said in the room.")
    AgreementResponse.objects.create(version=v1, member=maria, agrees=True)
    AgreementResponse.objects.create(
        version=v1, member=sam, agrees=False, disagreement="The bit about phones"
    )
    AgreementComment.objects.create(
        version=v1, author=maria, kind="proposal", text="Can we add a tea break?"
    )
    v2 = draft(group, 2, "We listen to each other.\n\nWe take a tea break.")
    return SimpleNamespace(group=group, sam_membership=sam_membership, v1=v1, v2=v2)


def go(page, live_server, path: str, heading: str) -> None:
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def open_home(page, live_server, w):
    go(page, live_server, "/staff/", "Welcome, Helen Ward")


def open_roster(page, live_server, w):
    go(page, live_server, f"/staff/groups/{w.group.pk}/", f"People in {w.group.name}")


def open_member_detail(page, live_server, w):
    go(page, live_server, f"/staff/groups/{w.group.pk}/members/{w.sam_membership.pk}/", "Sam")


def open_member_support_plan(page, live_server, w):
    path = f"/staff/groups/{w.group.pk}/members/{w.sam_membership.pk}/support-plan/"
    go(page, live_server, path, "Sam's support plan")


def open_invite(page, live_server, w):
    go(page, live_server, f"/staff/groups/{w.group.pk}/invite/", "Invite someone to join")


def open_invite_with_errors(page, live_server, w):
    open_invite(page, live_server, w)
    page.get_by_label("No contact details").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("Choose her support worker")).to_be_visible()


def open_invite_done(page, live_server, w):
    open_invite(page, live_server, w)
    page.get_by_label("Her email address (optional)").fill("jade@example.org")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Her invitation link")


def open_group_training(page, live_server, w):
    go(page, live_server, f"/staff/groups/{w.group.pk}/training/", f"Training in {w.group.name}")


def open_my_training(page, live_server, w):
    go(page, live_server, "/staff/training/", "Your training")


def open_my_training_with_errors(page, live_server, w):
    open_my_training(page, live_server, w)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("Date completed").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The completion date cannot be in the future.")).to_be_visible()


def open_agreement_drafts(page, live_server, w):
    go(page, live_server, f"/staff/groups/{w.group.pk}/agreement/", "Group agreement")


def open_agreement_edit_draft(page, live_server, w):
    path = f"/staff/groups/{w.group.pk}/agreement/{w.v2.pk}/"
    go(page, live_server, path, "Agreement version 2: draft")


def open_agreement_edit_with_errors(page, live_server, w):
    open_agreement_edit_draft(page, live_server, w)
    page.get_by_label("Agreement text").fill("")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Write the agreement text first.")).to_be_visible()


def open_agreement_published(page, live_server, w):
    path = f"/staff/groups/{w.group.pk}/agreement/{w.v1.pk}/"
    go(page, live_server, path, "Agreement version 1: published")


PAGES = [
    ("desktop", open_home),
    ("phone", open_home),
    ("desktop", open_roster),
    ("phone", open_roster),
    ("desktop", open_member_detail),
    ("phone", open_member_detail),
    ("desktop", open_member_support_plan),
    ("desktop", open_invite),
    ("desktop", open_invite_with_errors),
    ("desktop", open_invite_done),
    ("desktop", open_group_training),
    ("phone", open_group_training),
    ("desktop", open_my_training),
    ("desktop", open_my_training_with_errors),
    ("desktop", open_agreement_drafts),
    ("desktop", open_agreement_edit_draft),
    ("desktop", open_agreement_edit_with_errors),
    ("desktop", open_agreement_published),
]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("size", "open_page"),
    PAGES,
    ids=lambda value: value if isinstance(value, str) else value.__name__.removeprefix("open_"),
)
def test_no_axe_violations_on_staff_pages(
    size, open_page, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    page = offline_context(**SIZES[size]).new_page()
    sign_in_with_password(page, "helen")
    open_page(page, live_server, world)
    assert_no_violations(page)


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_axe_violations_on_the_support_workers_view(
    size, live_server, offline_context, sign_in_with_password
):
    world = make_world()
    page = offline_context(**SIZES[size]).new_page()
    sign_in_with_password(page, "dee")
    go(page, live_server, "/staff/", "Welcome, Dee Okafor")
    assert_no_violations(page)
    open_roster(page, live_server, world)
    assert_no_violations(page)
    open_group_training(page, live_server, world)
    assert_no_violations(page)
