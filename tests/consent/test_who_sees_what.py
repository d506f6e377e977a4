""" "Who sees what" tells the whole truth: what it says each audience sees is what that
audience's own page shows, because both are drawn from the same code. And "Who looked at
my details" lists, in plain words, every time someone else opened her details."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine
from django.contrib.admin.utils import lookup_field
from django.urls import reverse

from consent import policy, services
from consent.models import Answer, ConsentPurpose
from coproduction.audit.services import audit_record
from coproduction.core.dates import day
from groups import services as group_services
from groups.models import SupportContact
from tests.groups.staff_data import SAM_PHONE, give_sam_her_details

LIST = "admin:consent_contactsharedwithcharity_changelist"


def text(page: str) -> str:
    """A page's words, without markup, as a person reads them."""
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def audience_part(page: str, key: str) -> str:
    start = page.index(f'id="audience-{key}"')
    end = page.find("</section>", start)
    return text(page[start:end])


@pytest.fixture
def sam_in_full(sam, sam_membership, helen_fac, helen, dee, tuesday_group):
    """Sam with everything a staff page can show: her details, a number and an email, a
    support contact, and an answer to the agreement she disagrees with."""
    sam.email = "sam@example.org"
    sam.save()
    give_sam_her_details(sam)
    SupportContact.objects.create(
        member=sam, kind=SupportContact.Kind.SUPPORT_WORKER, staff_user=dee, contact_if_i_ask=True
    )
    version = group_services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen."
    )
    version = group_services.agreement_publish(version=version, acting_user=helen)
    group_services.agreement_respond(
        version=version, member=sam, agrees=False, disagreement="Less talk of rules."
    )
    return sam


def her_page(client, sam) -> str:
    client.force_login(sam)
    return client.get(reverse("consent:my_who_sees_what")).content.decode()


@pytest.mark.parametrize(
    ("viewer", "audience"), [("helen", policy.FACILITATORS), ("dee", policy.SUPPORT_WORKER)]
)
def test_what_staff_see_is_what_their_page_shows(
    client, sam_in_full, sam_membership, tuesday_group, helen, dee, viewer, audience
):
    staff = {"helen": helen, "dee": dee}[viewer]
    client.force_login(staff)
    url = reverse("groups:member_detail", args=[tuesday_group.pk, sam_membership.pk])
    response = client.get(url)
    assert response.status_code == 200
    staff_page = text(response.content.decode())
    card = response.context["card"]
    told = audience_part(her_page(client, sam_in_full), audience)
    assert card.facts
    for fact in card.facts:
        assert fact.value in staff_page, fact
        assert f"{fact.her_label} {fact.value}" in told, fact
    # The whole truth: her number and her email are on their page, so on hers too.
    for detail in (SAM_PHONE, "sam@example.org", "Less talk of rules.", "Dee Okafor"):
        assert detail in staff_page and detail in told, detail


def test_a_support_worker_who_is_not_hers_sees_nothing_and_she_is_told_so(
    client, sam, tuesday_group, helen_fac
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=sam, group=tuesday_group)  # no support worker named
    give_sam_her_details(sam)
    page = her_page(client, sam)
    assert audience_part(page, policy.SUPPORT_WORKER).strip().endswith("Nothing.")
    assert SAM_PHONE in audience_part(page, policy.FACILITATORS)


def test_what_the_partner_sees_is_what_its_admin_list_shows(client, ruth, sam_in_full):
    client.force_login(ruth)
    assert SAM_PHONE not in client.get(reverse(LIST)).content.decode()
    assert SAM_PHONE not in audience_part(her_page(client, sam_in_full), policy.PARTNER_CHARITY)

    purpose = ConsentPurpose.objects.get(slug="share_contact_with_partner")
    services.consent_record(
        member=sam_in_full, purpose=purpose, answer=Answer.YES, acting_user=sam_in_full
    )
    client.force_login(ruth)
    response = client.get(reverse(LIST))
    admin_page = text(response.content.decode())
    [row] = response.context["cl"].result_list
    told = audience_part(her_page(client, sam_in_full), policy.PARTNER_CHARITY)
    changelist = response.context["cl"]
    for name in changelist.list_display:
        if name == "action_checkbox":
            continue
        _, _, value = lookup_field(name, row, changelist.model_admin)
        assert str(value) in admin_page, name
        assert f"{policy.PARTNER_COLUMNS[name]} {value}" in told, name
    assert SAM_PHONE in told and "Jo" in told


def test_who_looked_lists_each_look_in_plain_words(
    client, sam_in_full, sam_membership, tuesday_group, helen, dee
):
    with time_machine.travel(dt.datetime(2026, 3, 3, 14, 5, tzinfo=dt.UTC), tick=False):
        client.force_login(helen)
        client.get(reverse("groups:member_detail", args=[tuesday_group.pk, sam_membership.pk]))
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC), tick=False):
        group_services.support_plan_save(
            member=sam_in_full, acting_user=sam_in_full, what_helps="Tea"
        )
        group_services.support_plan_share(
            member=sam_in_full, acting_user=sam_in_full, readers=[dee]
        )
        client.force_login(dee)
        client.get(
            reverse("groups:member_support_plan", args=[tuesday_group.pk, sam_membership.pk])
        )
    client.force_login(sam_in_full)
    client.get(reverse("groups:my_details"))  # her own looks are not listed
    response = client.get(reverse("consent:my_who_looked"))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert f"Dee Okafor looked at your plan on {day(dt.date(2026, 3, 4))} at 09:30." in page
    assert (
        f"Helen Ward looked at your details and how to reach you on {day(dt.date(2026, 3, 3))}"
        " at 14:05." in page
    )
    assert page.index("Dee Okafor looked") < page.index("Helen Ward looked")  # newest first
    assert "Sam looked" not in page


def test_who_looked_when_nobody_has(client, sam, sam_membership):
    client.force_login(sam)
    page = client.get(reverse("consent:my_who_looked")).content.decode()
    assert "Nobody else has looked yet." in page


def test_who_looked_shows_only_hers(client, sam, sam_membership, maria, maria_membership, helen):
    audit_record(actor=helen, action="member.view", subject=maria_membership, subject_user=maria)
    client.force_login(sam)
    page = client.get(reverse("consent:my_who_looked")).content.decode()
    assert "Helen Ward" not in page


def test_who_looked_is_for_members_only(client, helen, helen_fac):
    client.force_login(helen)
    assert client.get(reverse("consent:my_who_looked")).status_code == 403
    client.logout()
    response = client.get(reverse("consent:my_who_looked"))
    assert response.status_code == 302


def test_who_looked_refuses_other_methods(client, sam, sam_membership):
    client.force_login(sam)
    assert client.post(reverse("consent:my_who_looked")).status_code == 405
    assert client.post(reverse("consent:my_more")).status_code == 405
