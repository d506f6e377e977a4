"""What staff do through the pages: invite, record training, draft and publish the
agreement. Each goes form → service → redirect (or result) with a message; a refusal
is shown on the form, never as an error page; doing it twice has one effect."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from coproduction import crypto
from coproduction.audit.models import AuditEvent
from groups import services
from groups.forms.fields import PHONE_HINT
from groups.models import AgreementVersion, Invitation, Membership, Training
from tests.factories import MembershipFactory, StaffFactory
from tests.groups.staff_data import draft, published


@pytest.fixture
def group(helen_fac, dee, sam_membership, maria_membership):
    return helen_fac.group


@pytest.fixture
def helen_in(client, helen_fac):
    client.force_login(helen_fac.user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- inviting ----------------------------------------------------------------------------


def invite_url(group) -> str:
    return reverse("groups:invite", args=[group.pk])


def link_in(page: str) -> str:
    match = re.search(r'value="(http://testserver/join/([^/"]+)/)"', page)
    assert match, "no link on the page"
    return match.group(2)


def test_invite_form_offers_only_this_groups_support_workers(helen_in, group, tom):
    grace = StaffFactory(username="grace", first_name="Grace", last_name="Mensah")
    MembershipFactory(user=grace, group=tom.memberships.first().group, role="support_worker")
    page = helen_in.get(invite_url(group)).content.decode()
    assert "Dee Okafor" in page
    assert "Grace Mensah" not in page
    assert "Tom Reid" not in page
    assert "Helen Ward" not in page
    assert "No contact details: she will be reached through her support worker" in page


def test_invite_by_email_shows_the_link_once_and_sends_nothing(helen_in, group, helen):
    response = helen_in.post(invite_url(group), {"email": " Jade@Example.org "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give her this link in the way she said is safe. It works once, for 14 days." in page
    token = link_in(page)
    invitation = Invitation.objects.get()
    assert invitation.email == "jade@example.org"
    assert invitation.invited_by == helen
    assert invitation.group == group
    assert invitation.token_hash == crypto.token_hash(token)
    assert services.invitation_for_token(token) == invitation
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="invitation.create", actor=helen).count() == 1
    again = helen_in.get(invite_url(group)).content.decode()
    assert token not in again


def test_invite_by_phone(helen_in, group):
    response = helen_in.post(invite_url(group), {"phone": "+44 7700 900456"})
    assert response.status_code == 200
    assert Invitation.objects.get().phone == "+44 7700 900456"


def test_invite_through_her_support_worker(helen_in, group, dee):
    response = helen_in.post(
        invite_url(group), {"no_contact_details": "on", "support_worker": dee.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Her support worker: Dee Okafor." in page
    invitation = Invitation.objects.get()
    assert invitation.support_worker == dee
    assert invitation.email == "" and invitation.phone == ""


def test_a_support_worker_can_be_named_alongside_contact_details(helen_in, group, dee):
    helen_in.post(invite_url(group), {"email": "jade@example.org", "support_worker": dee.pk})
    assert Invitation.objects.get().support_worker == dee


def test_invite_with_no_contact_details_needs_a_support_worker(helen_in, group):
    response = helen_in.post(invite_url(group), {"no_contact_details": "on"})
    assert response.status_code == 200
    assert "Choose her support worker" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_with_nothing_at_all_says_what_is_needed(helen_in, group):
    response = helen_in.post(invite_url(group), {})
    assert response.status_code == 200
    assert "Give her email address or phone number, or tick" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_cannot_tick_no_details_and_give_them(helen_in, group, dee):
    response = helen_in.post(
        invite_url(group),
        {"no_contact_details": "on", "support_worker": dee.pk, "email": "jade@example.org"},
    )
    assert "You ticked that she has no contact details" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_refuses_a_support_worker_of_another_group(helen_in, group, tom):
    response = helen_in.post(
        invite_url(group), {"no_contact_details": "on", "support_worker": tom.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("phone", ["call me", "123", "0770090012345678901", "07700-900;123"])
def test_invite_refuses_a_phone_number_that_is_not_one(helen_in, group, phone):
    response = helen_in.post(invite_url(group), {"phone": phone})
    assert escape(PHONE_HINT) in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_refuses_an_email_address_that_is_not_one(helen_in, group):
    response = helen_in.post(invite_url(group), {"email": "jade at home"})
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_each_invitation_is_its_own_link(helen_in, group):
    first = link_in(helen_in.post(invite_url(group), {"email": "a@example.org"}).content.decode())
    second = link_in(helen_in.post(invite_url(group), {"email": "b@example.org"}).content.decode())
    assert first != second
    assert Invitation.objects.count() == 2


def test_a_support_worker_cannot_invite(client, group, dee):
    client.force_login(dee)
    assert client.post(invite_url(group), {"email": "jade@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_outsider_cannot_invite(client, group, tom):
    client.force_login(tom)
    assert client.post(invite_url(group), {"email": "jade@example.org"}).status_code == 404
    assert not Invitation.objects.exists()


def test_the_link_works_and_she_joins_with_dee_as_support(helen_in, group, dee):
    page = helen_in.post(
        invite_url(group), {"no_contact_details": "on", "support_worker": dee.pk}
    ).content.decode()
    membership = services.invitation_accept(
        token=link_in(page),
        choices=services.JoinChoices(
            preferred_name="Precious", channels=[], agrees=False, password="a long passphrase"
        ),
    )
    assert membership.group == group
    assert membership.support_worker == dee


# --- my training --------------------------------------------------------------------------


@pytest.fixture
def training_url():
    return reverse("groups:my_training")


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_record_training(client, helen, training_url):
    client.force_login(helen)
    response = client.post(
        training_url,
        {
            "kind": "safeguarding",
            "completed_on": "2026-11-01",
            "expires_on": "2028-11-01",
            "provider": "Local authority",
        },
        follow=True,
    )
    assert response.redirect_chain == [(training_url, 302)]
    assert messages_of(response) == ["Training recorded."]
    record = Training.objects.get()
    assert record.person == helen
    assert record.recorded_by == helen
    assert record.completed_on == dt.date(2026, 11, 1)
    assert record.expires_on == dt.date(2028, 11, 1)
    page = response.content.decode()
    assert "Local authority" in page
    assert "Training not current: Trauma-informed practice, Facilitation and power dynamics" in page


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_the_same_training_twice_is_recorded_once(client, helen, training_url):
    client.force_login(helen)
    data = {"kind": "safeguarding", "completed_on": "2026-11-01"}
    client.post(training_url, data, follow=True)
    response = client.post(training_url, data, follow=True)
    assert messages_of(response) == ["That training was already recorded."]
    assert Training.objects.count() == 1
    assert AuditEvent.objects.filter(action="training.record").count() == 1


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_training_completed_in_the_future_is_refused(client, helen, training_url):
    client.force_login(helen)
    response = client.post(training_url, {"kind": "safeguarding", "completed_on": "2026-11-26"})
    assert response.status_code == 200
    assert "The completion date cannot be in the future." in response.content.decode()
    assert not Training.objects.exists()


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_training_that_expires_before_it_was_done_is_refused(client, helen, training_url):
    client.force_login(helen)
    response = client.post(
        training_url,
        {"kind": "safeguarding", "completed_on": "2026-11-01", "expires_on": "2026-10-01"},
    )
    assert "The expiry date must be after the date it was completed." in response.content.decode()
    assert not Training.objects.exists()


def test_training_form_needs_a_kind_and_a_date(client, helen, training_url):
    client.force_login(helen)
    response = client.post(training_url, {"kind": "juggling", "completed_on": "yesterday"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert "Enter a valid date" in page
    assert not Training.objects.exists()


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_a_service_refusal_becomes_a_form_error(client, helen, training_url, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("Not today.")

    monkeypatch.setattr(services, "training_record", refuse)
    client.force_login(helen)
    response = client.post(training_url, {"kind": "safeguarding", "completed_on": "2026-11-01"})
    assert response.status_code == 200
    assert "Not today." in response.content.decode()


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_a_member_cannot_record_training(client, sam, training_url):
    client.force_login(sam)
    response = client.post(training_url, {"kind": "safeguarding", "completed_on": "2026-11-01"})
    assert response.status_code == 403
    assert not Training.objects.exists()


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_recording_training_clears_the_warning_everywhere(client, helen_fac, training_url):
    client.force_login(helen_fac.user)
    for kind in Training.Kind.values:
        client.post(training_url, {"kind": kind, "completed_on": "2026-11-01"})
    roster = client.get(reverse("groups:roster", args=[helen_fac.group.pk])).content.decode()
    assert "Training not current" not in roster
    home = client.get(reverse("staff_home")).content.decode()
    assert "Your training is current." in home


# --- the group agreement -------------------------------------------------------------------


def drafts_url(group) -> str:
    return reverse("groups:agreement_drafts", args=[group.pk])


def edit_url(version) -> str:
    return reverse("groups:agreement_edit", args=[version.group_id, version.pk])


def publish_url(version) -> str:
    return reverse("groups:agreement_publish", args=[version.group_id, version.pk])


def test_the_first_draft(helen_in, group, helen):
    page = helen_in.get(drafts_url(group)).content.decode()
    assert "There is no agreement yet." in page
    response = helen_in.post(drafts_url(group), {"text": "We listen."}, follow=True)
    version = AgreementVersion.objects.get()
    assert response.redirect_chain == [(edit_url(version), 302)]
    assert messages_of(response) == ["Draft version 1 saved."]
    assert version.number == 1 and version.status == "draft" and version.created_by == helen
    assert AuditEvent.objects.filter(action="agreement.draft", actor=helen).count() == 1


def test_a_new_draft_starts_from_the_current_text(helen_in, group):
    published(group, 1, "We listen to each other.")
    page = helen_in.get(drafts_url(group)).content.decode()
    assert "We listen to each other.</textarea>" in page
    helen_in.post(drafts_url(group), {"text": "We listen to each other. We take breaks."})
    assert AgreementVersion.objects.get(number=2).status == "draft"


def test_an_empty_draft_is_refused(helen_in, group):
    response = helen_in.post(drafts_url(group), {"text": "   "})
    assert response.status_code == 200
    assert "Write the agreement text first." in response.content.decode()
    assert not AgreementVersion.objects.exists()


def test_editing_a_draft(helen_in, group):
    version = draft(group, 1, "We listen.")
    page = helen_in.get(edit_url(version)).content.decode()
    assert "We listen.</textarea>" in page
    assert publish_url(version) in page
    response = helen_in.post(edit_url(version), {"text": "We listen. We pause."}, follow=True)
    assert messages_of(response) == ["Draft version 1 saved."]
    version.refresh_from_db()
    assert version.text == "We listen. We pause."


def test_an_empty_edit_is_refused(helen_in, group):
    version = draft(group, 1, "We listen.")
    response = helen_in.post(edit_url(version), {"text": ""})
    assert "Write the agreement text first." in response.content.decode()
    version.refresh_from_db()
    assert version.text == "We listen."


def test_a_published_version_is_read_only(helen_in, group):
    version = published(group, 1, "We listen.")
    page = helen_in.get(edit_url(version)).content.decode()
    assert "<textarea" not in page
    assert publish_url(version) not in page
    assert "We listen." in page
    response = helen_in.post(edit_url(version), {"text": "Changed behind their backs"}, follow=True)
    assert messages_of(response) == ["A published agreement cannot be changed; start a new draft."]
    version.refresh_from_db()
    assert version.text == "We listen."


def test_publishing(helen_in, group, helen):
    version = draft(group, 1)
    response = helen_in.post(publish_url(version), follow=True)
    assert response.redirect_chain == [(drafts_url(group), 302)]
    assert messages_of(response) == ["Published. Members will be asked to read and agree."]
    version.refresh_from_db()
    assert version.status == "published"
    assert group.agreements.current() == version


def test_publishing_twice_publishes_once(helen_in, group):
    version = draft(group, 1)
    helen_in.post(publish_url(version), follow=True)
    version.refresh_from_db()
    first_published_at = version.published_at
    response = helen_in.post(publish_url(version), follow=True)
    assert messages_of(response) == ["Version 1 is already published."]
    version.refresh_from_db()
    assert version.published_at == first_published_at
    assert AuditEvent.objects.filter(action="agreement.publish").count() == 1


def test_a_support_worker_cannot_draft_edit_or_publish(client, group, dee):
    version = draft(group, 1, "We listen.")
    client.force_login(dee)
    assert client.post(drafts_url(group), {"text": "Hers"}).status_code == 403
    assert client.post(edit_url(version), {"text": "Hers"}).status_code == 403
    assert client.post(publish_url(version)).status_code == 403
    version.refresh_from_db()
    assert version.text == "We listen." and version.status == "draft"
    assert AgreementVersion.objects.count() == 1


def test_the_drafts_page_counts_answers_of_current_members(helen_in, group, sam, maria):
    from groups.models import AgreementComment, AgreementResponse
    from tests.groups.staff_data import member_of

    v1 = published(group, 1, "We listen.")
    jade = member_of(group, "Jade", status=Membership.Status.STEPPED_BACK)
    lou = member_of(group, "Lou", status=Membership.Status.LEFT)
    AgreementResponse.objects.create(version=v1, member=sam, agrees=True)
    AgreementResponse.objects.create(version=v1, member=maria, agrees=False, disagreement="x")
    AgreementResponse.objects.create(version=v1, member=lou.user, agrees=True)  # she left
    AgreementComment.objects.create(
        version=v1, author=jade.user, kind="proposal", text="Can we add tea breaks?"
    )
    draft(group, 2)
    response = helen_in.get(drafts_url(group))
    versions = {v.number: v for v in response.context["versions"]}
    assert (versions[1].agreed, versions[1].disagreed, versions[1].not_answered) == (1, 1, 1)
    page = response.content.decode()
    assert "Jade, a change i&#x27;d like" in page
    assert "Can we add tea breaks?" in page
    assert "(current)" in page
    assert "Members answer once it is published." in page


# --- an empty submission is still a submission ------------------------------------------


def test_an_empty_training_form_shows_what_is_missing(client, helen, training_url):
    client.force_login(helen)
    response = client.post(training_url, {})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"kind", "completed_on"}
    assert not Training.objects.exists()


def test_an_empty_draft_form_shows_what_is_missing(helen_in, group):
    response = helen_in.post(drafts_url(group), {})
    assert "Write the agreement text first." in response.content.decode()
    version = draft(group, 1, "We listen.")
    response = helen_in.post(edit_url(version), {})
    assert "Write the agreement text first." in response.content.decode()
    version.refresh_from_db()
    assert version.text == "We listen."


def test_the_invitation_result_is_never_stored(helen_in, group):
    response = helen_in.post(invite_url(group), {"email": "jade@example.org"})
    assert "no-store" in response["Cache-Control"]
    assert link_in(response.content.decode())
    assert "http://testserver/join/" in response.content.decode()


def test_home_shows_the_strongest_role_once(client, helen_fac):
    MembershipFactory(user=helen_fac.user, group=helen_fac.group, role="support_worker")
    client.force_login(helen_fac.user)
    page = client.get(reverse("staff_home")).content.decode()
    assert page.count("You facilitate this group.") == 1
    assert "You are a support worker in this group." not in page
