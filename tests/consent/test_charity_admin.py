"""The partner charity sees a member's contact details only while she says yes to sharing
them with the charity, only for its own groups, and every look is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import policy, services
from consent.models import Answer, ConsentEvent, ConsentPurpose
from coproduction.audit.models import AuditEvent
from groups.models import SafeContactProfile
from tests.factories import StaffFactory

LIST = "admin:consent_contactsharedwithcharity_changelist"


@pytest.fixture
def sam_contact(sam_membership):
    sam = sam_membership.user
    SafeContactProfile.objects.create(
        member=sam, channels=["sms"], phone="07700 900123", safe_days=[1, 2, 3], sender_name="Jo"
    )
    return sam


def share(member, answer):
    purpose = ConsentPurpose.objects.get(slug="share_contact_with_partner")
    services.consent_record(member=member, purpose=purpose, answer=answer, acting_user=member)


def test_nothing_is_shared_by_default(client, ruth, sam_contact):
    client.force_login(ruth)
    page = client.get(reverse(LIST)).content.decode()
    assert "07700 900123" not in page


def test_shared_while_she_says_yes_and_gone_when_she_withdraws(client, ruth, sam_contact):
    share(sam_contact, Answer.YES)
    client.force_login(ruth)
    page = client.get(reverse(LIST)).content.decode()
    assert "07700 900123" in page and "Text message" in page and "Jo" in page
    assert AuditEvent.objects.filter(
        action="contact.charity_view", actor=ruth, subject_user=sam_contact
    ).exists()
    share(sam_contact, Answer.NO)
    assert "07700 900123" not in client.get(reverse(LIST)).content.decode()


def test_ask_me_each_time_is_not_a_yes(client, ruth, sam_contact):
    share(sam_contact, Answer.ASK)
    client.force_login(ruth)
    assert "07700 900123" not in client.get(reverse(LIST)).content.decode()


def test_another_organisations_admin_sees_nothing(client, sam_contact, django_user_model):
    from tests.factories import OrganisationFactory, StaffFactory

    share(sam_contact, Answer.YES)
    neil = StaffFactory(username="neil", is_staff=True)
    OrganisationFactory(name="Elsewhere").partner_admins.add(neil)
    client.force_login(neil)
    assert "07700 900123" not in client.get(reverse(LIST)).content.decode()


def test_staff_who_are_not_partner_admins_cannot_open_it(client, helen_fac, sam_contact):
    share(sam_contact, Answer.YES)
    client.force_login(helen_fac.user)
    assert client.get(reverse(LIST)).status_code in (302, 403)


def test_nobody_can_change_or_delete_through_it(client, ruth, sam_contact):
    share(sam_contact, Answer.YES)
    client.force_login(ruth)
    profile = sam_contact.safe_contact
    change = reverse("admin:consent_contactsharedwithcharity_change", args=[profile.pk])
    assert b'name="_save"' not in client.get(change).content
    delete = reverse("admin:consent_contactsharedwithcharity_delete", args=[profile.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_an_operator_cannot_write_the_ledger_through_the_admin(client, sam_contact):
    """The admin writes no answer of hers: her answers are recorded only by
    `consent_record`, with its checks and its audit row. Every way in is refused, not an
    error."""
    share(sam_contact, Answer.YES)
    event = ConsentEvent.objects.get(member=sam_contact)
    client.raise_request_exception = False
    client.force_login(StaffFactory(username="operator", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:consent_consentevent_changelist")).status_code == 200
    change = reverse("admin:consent_consentevent_change", args=[event.pk])
    assert b'name="_save"' not in client.get(change).content
    refused = [
        client.post(reverse("admin:consent_consentevent_add"), {"answer": "no"}),
        client.post(change, {"answer": "no"}),
        client.post(reverse("admin:consent_consentevent_delete", args=[event.pk]), {"post": "y"}),
    ]
    assert [response.status_code for response in refused] == [403, 403, 403]
    assert list(ConsentEvent.objects.values_list("pk", "answer")) == [(event.pk, Answer.YES)]
    assert policy.answers([sam_contact.pk])[sam_contact.pk]["share_contact_with_partner"] == "yes"
