"""The agreement loop in real Chromium: Helen sees what changed and confirms before she
publishes, and answers Lou's proposal; Lou, on her phone, sees the answer. axe finds
nothing on any of these pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from groups import services
from groups.models import AgreementComment, Membership
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}


def check_page(page, where: str) -> None:
    page.wait_for_load_state("load")  # judge the page with its stylesheet applied
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{where} scrolls sideways"


def heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


@pytest.fixture
def tuesday(db):
    """Version 1 published, version 2 drafted, and Lou's proposal on version 1."""
    group = CoproGroupFactory(name="Primary care access – Tuesday")
    helen = StaffFactory(username="helen", first_name="Helen", last_name="Ward")
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    lou = UserFactory(username="lou", first_name="Lou")
    MembershipFactory(user=lou, group=group)
    v1 = services.agreement_draft_save(
        group=group,
        acting_user=helen,
        text="We listen to each other.\n\nPhones on silent.\n\nWhat is said here stays here.",
    )
    services.agreement_publish(version=v1, acting_user=helen)
    services.agreement_respond(version=v1, member=lou, agrees=True)
    proposal = services.agreement_comment(
        version=v1,
        member=lou,
        text="Phones off, not on silent.",
        kind=AgreementComment.Kind.PROPOSAL,
    )
    v2 = services.agreement_draft_save(
        group=group,
        acting_user=helen,
        text="We listen to each other.\n\nPhones off.\n\nWhat is said here stays here.",
    )
    return group, helen, lou, proposal, v2


@pytest.mark.browser
def test_helen_answers_lous_proposal_and_confirms_before_publishing(
    live_server, offline_context, sign_in_with_password, tuesday
):
    group, _, _, proposal, v2 = tuesday
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "helen")

    page.goto(f"{live_server.url}/staff/groups/{group.pk}/agreement/")
    page.get_by_role("link", name="Answer it to this proposal from Lou").click()
    heading(page, "Answer Lou’s proposed change")
    check_page(page, "answer a proposal")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Choose an answer.").first).to_be_visible()
    check_page(page, "answer a proposal, with an error")
    page.get_by_label("Yes: it is taken into a version").check()
    page.get_by_label("The version it is taken into").select_option(label="Version 2 (draft)")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Answer saved. Lou will see it on her agreement page.")).to_be_visible()
    expect(page.get_by_text("Answered: taken into version 2.")).to_be_visible()

    page.goto(f"{live_server.url}/staff/groups/{group.pk}/agreement/{v2.pk}/")
    page.get_by_role("link", name="Publish version 2").click()
    heading(page, "Publish version 2?")
    changes = page.locator(".agreement-changes")
    expect(changes.locator("li", has_text="Removed:")).to_have_text("Removed: Phones on silent.")
    expect(changes.locator("li", has_text="Added:")).to_have_text("Added: Phones off.")
    expect(page.get_by_text("1 line added, 1 line removed.")).to_be_visible()
    check_page(page, "publish: confirm, with what changed")
    v2.refresh_from_db()
    assert v2.status == "draft"

    page.get_by_role("button", name="Yes, publish version 2").click()
    expect(page.get_by_text("Published. Members will be asked to read and agree.")).to_be_visible()
    v2.refresh_from_db()
    assert v2.status == "published"


@pytest.mark.browser
def test_lou_sees_the_answer_to_her_proposal(
    live_server, offline_context, sign_in_with_password, tuesday
):
    group, helen, _, proposal, v2 = tuesday
    services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="taken", taken_into=v2
    )
    services.agreement_publish(version=v2, acting_user=helen)
    page = offline_context(**PHONE).new_page()
    sign_in_with_password(page, "lou")

    # Version 2 is new to her: the notice asks her, until she answers it.
    page.goto(f"{live_server.url}/my/details/")
    expect(page.get_by_text("There is a new group agreement.")).to_be_visible()
    page.get_by_role("link", name="Read it and tell us what you think").click()
    heading(page, "Our agreement")
    said = page.get_by_role("region", name="What you said")
    expect(said).to_contain_text("Phones off, not on silent.")
    expect(said).to_contain_text("The group’s answer: yes. It is in version 2.")
    check_page(page, "her agreement page, with the answer")

    page.get_by_label("I agree", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    page.goto(f"{live_server.url}/my/details/")
    expect(page.get_by_text("There is a new group agreement.")).to_have_count(0)
