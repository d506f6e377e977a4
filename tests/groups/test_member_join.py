"""Joining from a single-use link: a name, how (and whether) to be contacted, the group
agreement, and a password only when the link came without an email. Nothing else is
asked; the link works once; an expired or used link gets a kind 404."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from coproduction.accounts.models import User
from coproduction.outbox.channels import Channel
from groups import services
from groups.models import (
    AgreementResponse,
    Invitation,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
)
from tests.factories import UserFactory

REFUSED = "This link has expired or has already been used."
ASK_AGAIN = "Ask the person who sent it for a new one."
PASSWORD = "kettle-garden-42-blue"


def html(response) -> str:
    return response.content.decode()


def join_url(token: str, step: str | None = None) -> str:
    url = reverse("groups:join", args=[token])
    return f"{url}?step={step}" if step else url


@pytest.fixture
def agreement(tuesday_group, helen, helen_fac):
    version = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen to each other."
    )
    return services.agreement_publish(version=version, acting_user=helen)


@pytest.fixture
def invite(tuesday_group, helen, helen_fac):
    """invite(email=..., phone=..., support_worker=...) -> token"""

    def make(**kwargs) -> str:
        _, token = services.invitation_create(group=tuesday_group, acting_user=helen, **kwargs)
        return token

    return make


def walk(client, token, *, name="Jade", channels=(), agrees=True, password=None):
    """Go through every step; returns the last response (followed)."""
    client.post(join_url(token, "name"), {"preferred_name": name})
    client.post(join_url(token, "contact"), {"channels": list(channels)})
    data = {"agrees": "on"} if agrees else {}
    response = client.post(join_url(token, "agreement"), data)
    if password is not None:
        response = client.post(
            join_url(token, "password"), {"password1": password, "password2": password}
        )
    return response


def test_jade_joins_end_to_end(client, invite, agreement, tuesday_group, helen):
    token = invite(email="jade@example.org")

    response = client.get(join_url(token))
    assert response.status_code == 200
    assert "What would you like to be called?" in html(response)
    assert "Step 1 of 3" in html(response)

    response = client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    assert response["Location"] == join_url(token, "contact")
    response = client.get(response["Location"])
    assert "How may we contact you?" in html(response)
    assert "Step 2 of 3" in html(response)

    response = client.post(join_url(token, "contact"), {"channels": [Channel.EMAIL]})
    assert response["Location"] == join_url(token, "agreement")
    response = client.get(response["Location"])
    page = html(response)
    assert "Our group agreement" in page
    assert "We listen to each other." in page
    assert "What we keep about you" in page

    response = client.post(join_url(token, "agreement"), {"agrees": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert "Welcome, Jade. You are in the Tuesday group." in html(response)
    assert "Hello, Jade" in html(response)

    jade = User.objects.get(email="jade@example.org")
    assert int(client.session["_auth_user_id"]) == jade.pk
    assert jade.is_member
    assert not jade.has_usable_password()  # she signs in with a code by email
    assert Profile.objects.get(user=jade).preferred_name == "Jade"
    assert SafeContactProfile.objects.get(member=jade).channels == [Channel.EMAIL]
    membership = Membership.objects.get(user=jade)
    assert (membership.group, membership.role, membership.status) == (
        tuesday_group,
        Membership.Role.MEMBER,
        Membership.Status.ACTIVE,
    )
    assert membership.invited_by == helen
    assert AgreementResponse.objects.get(member=jade, version=agreement).agrees
    assert Invitation.objects.get().accepted_at is not None


def test_precious_without_email_chooses_a_password_and_is_told_her_username(
    client, invite, agreement, dee
):
    token = invite(support_worker=dee)
    assert "Step 1 of 4" in html(client.get(join_url(token)))
    client.post(join_url(token, "name"), {"preferred_name": "Precious"})
    response = client.get(join_url(token, "contact"))
    assert response.context["form"].fields["channels"].choices == [
        (Channel.SUPPORT_WORKER, "Through my support worker, who tells me in person")
    ]
    client.post(join_url(token, "contact"), {"channels": [Channel.SUPPORT_WORKER]})
    response = client.post(join_url(token, "agreement"), {})
    assert response["Location"] == join_url(token, "password")
    assert "Choose a password" in html(client.get(response["Location"]))

    response = client.post(
        join_url(token, "password"),
        {"password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    precious = User.objects.get(first_name="Precious")
    assert precious.check_password(PASSWORD)
    assert precious.email == ""
    assert f"use the name {precious.username} and your password" in html(response)
    assert int(client.session["_auth_user_id"]) == precious.pk
    assert SafeContactProfile.objects.get(member=precious).channels == [Channel.SUPPORT_WORKER]
    assert SupportContact.objects.get(member=precious).staff_user == dee
    assert not AgreementResponse.objects.exists()  # she can say later


def test_she_can_sign_in_with_that_password_later(client, invite):
    token = invite()
    walk(client, token, name="Precious", password=PASSWORD)
    client.logout()
    username = User.objects.get(first_name="Precious").username
    assert client.login(username=username, password=PASSWORD)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password1": PASSWORD, "password2": PASSWORD + "x"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1"),
        ({"password1": "", "password2": ""}, "password1"),
    ],
)
def test_a_weak_or_mistyped_password_is_a_form_error(client, invite, data, field):
    token = invite()
    walk(client, token, name="Precious")
    response = client.post(join_url(token, "password"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(first_name="Precious").exists()
    assert services.invitation_for_token(token) is not None


def test_an_email_already_in_use_means_she_needs_a_password(client, invite, sam):
    token = invite(email="sam@example.org")
    response = walk(client, token, name="Sam two")
    assert response["Location"] == join_url(token, "password")
    channels = client.get(join_url(token, "contact")).context["form"].fields["channels"].choices
    assert (Channel.EMAIL, "Email") not in channels
    walk(client, token, name="Sam two", password=PASSWORD)
    new = User.objects.get(first_name="Sam two")
    assert new.email == "" and new.check_password(PASSWORD)


def test_joining_asks_nothing_but_name_contact_and_agreement(client, invite, agreement):
    token = invite(email="jade@example.org", phone="07700 900123")
    asked = []
    for step, data in [
        ("name", {"preferred_name": "Jade"}),
        ("contact", {}),
        ("agreement", {}),
    ]:
        response = client.get(join_url(token, step))
        asked.append(set(response.context["form"].fields))
        client.post(join_url(token, step), data)
    assert asked == [{"preferred_name"}, {"channels"}, {"agrees"}]
    assert Membership.objects.filter(user__first_name="Jade").exists()


def test_without_email_the_password_is_the_only_extra_question(client, invite):
    token = invite(phone="07700 900123")
    walk(client, token, name="Lou")
    response = client.get(join_url(token, "password"))
    assert set(response.context["form"].fields) == {"password1", "password2"}


def test_only_the_name_is_required(client, invite):
    token = invite(email="jade@example.org")
    response = client.post(join_url(token, "name"), {"preferred_name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_name"]
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    client.post(join_url(token, "contact"), {})
    response = client.post(join_url(token, "agreement"), {})
    assert response["Location"] == reverse("member_home")


def test_no_channel_ticked_is_the_default_and_most_private(client, invite):
    token = invite(email="jade@example.org", phone="07700 900123")
    walk(client, token, name="Jade")
    client.get(join_url(token, "name"))  # the link is used now
    jade = User.objects.get(first_name="Jade")
    assert SafeContactProfile.objects.get(member=jade).channels == []
    assert SafeContactProfile.objects.get(member=jade).i_will_get_in_touch


def test_contact_step_starts_with_nothing_ticked_and_explains(client, invite):
    token = invite(email="jade@example.org", phone="07700 900123")
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    response = client.get(join_url(token, "contact"))
    assert not response.context["form"]["channels"].value()
    page = html(response)
    assert "Tick none and we will not contact you. You get in touch when you want." in page
    assert "checked" not in page.split('name="channels"', 1)[1].split("</fieldset>", 1)[0]


def test_only_ways_that_can_work_are_offered(client, invite, dee):
    token = invite(email="jade@example.org", phone="07700 900123", support_worker=dee)
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    choices = client.get(join_url(token, "contact")).context["form"].fields["channels"].choices
    assert [c for c, _ in choices] == ["email", "sms", "call", "support_worker"]
    response = client.post(join_url(token, "contact"), {"channels": ["pigeon"]})
    assert response.context["form"].errors["channels"]


def test_with_no_way_to_reach_her_she_gets_in_touch(client, invite):
    token = invite()
    client.post(join_url(token, "name"), {"preferred_name": "Precious"})
    page = html(client.get(join_url(token, "contact")))
    assert "We will not contact you. You get in touch when you want." in page


def test_not_agreeing_is_fine(client, invite, agreement):
    token = invite(email="jade@example.org")
    response = walk(client, token, agrees=False)
    assert response["Location"] == reverse("member_home")
    assert not AgreementResponse.objects.exists()


def test_no_agreement_yet(client, invite):
    token = invite(email="jade@example.org")
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    client.post(join_url(token, "contact"), {})
    response = client.get(join_url(token, "agreement"))
    assert "The group has not written its agreement yet." in html(response)
    assert 'name="agrees"' not in html(response)


def test_steps_cannot_be_skipped(client, invite):
    token = invite(email="jade@example.org")
    for step in ("contact", "agreement", "password", "nonsense"):
        response = client.get(join_url(token, step))
        assert response["Location"] == join_url(token, "name"), step
    assert client.post(join_url(token, "agreement"), {"agrees": "on"})["Location"] == join_url(
        token, "name"
    )
    assert not User.objects.filter(kind="member").exists()


def test_a_link_with_email_has_no_password_step(client, invite):
    token = invite(email="jade@example.org")
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    assert client.get(join_url(token, "password"))["Location"] == join_url(token, "contact")


def test_she_can_go_back_and_change_an_answer(client, invite):
    token = invite(email="jade@example.org")
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    client.post(join_url(token, "contact"), {"channels": ["email"]})
    response = client.get(join_url(token, "agreement"))
    assert response.context["previous_url"] == join_url(token, "contact")
    response = client.get(join_url(token, "name"))
    assert response.context["form"]["preferred_name"].value() == "Jade"
    client.post(join_url(token, "name"), {"preferred_name": "JJ"})
    assert client.get(join_url(token, "contact")).context["form"]["channels"].value() == ["email"]
    client.post(join_url(token, "contact"), {"channels": ["email"]})
    client.post(join_url(token, "agreement"), {})
    assert Profile.objects.get().preferred_name == "JJ"


def test_the_session_never_holds_the_token_or_its_stored_hash(client, invite):
    token = invite(email="jade@example.org")
    client.post(join_url(token, "name"), {"preferred_name": "Jade"})
    stored = Invitation.objects.get().token_hash
    session = dict(client.session.items())
    flat = repr(session)
    assert token not in flat
    assert stored not in flat
    assert any(key.startswith("join:") for key in session)


def test_the_steps_are_forgotten_once_she_has_joined(client, invite):
    token = invite(email="jade@example.org")
    walk(client, token)
    assert not any(key.startswith("join:") for key in client.session.keys())


def test_garbage_link_is_a_kind_404(client, db):
    response = client.get(reverse("groups:join", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert REFUSED in html(response) and ASK_AGAIN in html(response)
    assert 'href="/exit/"' in html(response)
    assert client.post(reverse("groups:join", args=["nope"]), {}).status_code == 404


def test_an_expired_link_is_refused(client, invite):
    with time_machine.travel("2026-11-01 10:00", tick=False):
        token = invite(email="jade@example.org")
    with time_machine.travel("2026-11-14 10:00", tick=False):
        assert client.get(join_url(token)).status_code == 200
    with time_machine.travel("2026-11-15 10:01", tick=False):
        response = client.get(join_url(token))
    assert response.status_code == 404
    assert REFUSED in html(response)


def test_a_link_that_expires_half_way_through_is_refused_at_the_end(client, invite):
    with time_machine.travel("2026-11-01 10:00", tick=False):
        token = invite(email="jade@example.org")
    with time_machine.travel("2026-11-15 09:58", tick=False):
        client.post(join_url(token, "name"), {"preferred_name": "Jade"})
        client.post(join_url(token, "contact"), {})
    with time_machine.travel("2026-11-15 10:02", tick=False):
        response = client.post(join_url(token, "agreement"), {})
    assert response.status_code == 404
    assert not User.objects.filter(first_name="Jade").exists()


def test_a_used_link_is_refused_and_shows_the_same_when_opened_again(client, invite):
    token = invite(email="jade@example.org")
    walk(client, token)
    for method in ("get", "post"):
        response = getattr(client, method)(join_url(token))
        assert response.status_code == 404
        assert REFUSED in html(response)


def test_using_the_link_twice_makes_one_account(client, invite, django_user_model):
    """Two browsers walk the same link; the second to finish is refused."""
    from django.test import Client

    token = invite(email="jade@example.org")
    other = Client()
    for c in (client, other):
        c.post(join_url(token, "name"), {"preferred_name": "Jade"})
        c.post(join_url(token, "contact"), {})
    assert client.post(join_url(token, "agreement"), {}).status_code == 302
    response = other.post(join_url(token, "agreement"), {})
    assert response.status_code == 404
    assert REFUSED in html(response)
    assert django_user_model.objects.filter(first_name="Jade").count() == 1
    assert Membership.objects.filter(user__first_name="Jade").count() == 1
    assert "_auth_user_id" not in other.session


def test_someone_signed_in_is_asked_to_sign_out_and_the_link_is_kept(client, invite, sam):
    token = invite(email="jade@example.org")
    client.force_login(sam)
    response = client.get(join_url(token))
    assert response.status_code == 200
    assert "You are signed in already" in html(response)
    assert client.post(join_url(token, "name"), {"preferred_name": "Jade"}).status_code == 200
    assert services.invitation_for_token(token) is not None
    assert int(client.session["_auth_user_id"]) == sam.pk


def test_join_refuses_other_methods(client, invite):
    token = invite(email="jade@example.org")
    assert client.put(join_url(token)).status_code == 405
    assert client.delete(join_url(token)).status_code == 405


def test_join_pages_have_one_heading_and_the_exit(client, invite, agreement):
    token = invite()
    pages = []
    pages.append(client.get(join_url(token, "name")))
    client.post(join_url(token, "name"), {"preferred_name": "Precious"})
    pages.append(client.get(join_url(token, "contact")))
    client.post(join_url(token, "contact"), {})
    pages.append(client.get(join_url(token, "agreement")))
    client.post(join_url(token, "agreement"), {})
    pages.append(client.get(join_url(token, "password")))
    for response in pages:
        page = html(response)
        assert page.count("<h1") == 1
        assert page.count('href="/exit/"') == 2
        assert "no-store" in response["Cache-Control"]
        for word in ("trauma", "charity", "co-production", "health", "diagnos"):
            assert word not in page.lower()


def test_names_are_tidied_and_usernames_never_clash(client, invite):
    UserFactory(username="jade", email="someone.else@example.org")
    token = invite(email="jade@example.org")
    walk(client, token, name="  Jade  ")
    jade = User.objects.get(email="jade@example.org")
    assert jade.first_name == "Jade"
    assert jade.username != "jade" and jade.username.startswith("jade")


def test_joining_is_audited(client, invite):
    from coproduction.audit.models import AuditEvent

    token = invite(email="jade@example.org")
    walk(client, token)
    jade = User.objects.get(email="jade@example.org")
    assert AuditEvent.objects.filter(action="membership.join", actor=jade).exists()
