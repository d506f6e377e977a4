"""Signing in: members by code (or password), staff with a second factor."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.test import Client, TestCase
from django.urls import reverse

from coproduction.outbox.channels import Channel
from groups.models import SafeContactProfile
from tests.factories import PASSWORD

CODE = re.compile(r"Your code is: (\S+)")


def request_code(client, email):
    """Ask for a code; the outbox sends it as the request commits, as outside a test."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_request_login_code"), {"login": email})


def code_from(mail) -> str:
    return CODE.search(mail.body).group(1)


@pytest.fixture
def maria_by_email(maria):
    """Maria said e-mail is safe, so a code she asks for may be sent to her."""
    SafeContactProfile.objects.create(member=maria, channels=[Channel.EMAIL])
    return maria


def test_member_signs_in_by_code_end_to_end(client, maria_by_email, mailoutbox):
    response = request_code(client, "maria@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["maria@example.org"]

    response = client.post(reverse("account_confirm_login_code"), {"code": code_from(message)})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/my/"
    assert int(client.session["_auth_user_id"]) == maria_by_email.pk


def test_code_message_says_nothing_about_the_group(client, maria_by_email, mailoutbox):
    request_code(client, "maria@example.org")
    message = mailoutbox[0]
    text = f"{message.subject}\n{message.body}\n{message.from_email}".lower()
    for word in ("hearth", "group", "charity", "trauma", "health", "support", "project"):
        assert word not in text, word
    assert message.subject == "Your code"


def test_wrong_code_is_refused_clearly_and_counted(client, maria_by_email, mailoutbox):
    request_code(client, "maria@example.org")
    right = code_from(mailoutbox[0])
    confirm = reverse("account_confirm_login_code")

    response = client.post(confirm, {"code": "WRONG1"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session

    client.post(confirm, {"code": "WRONG2"})
    response = client.post(confirm, {"code": "WRONG3"})
    # The third wrong code uses up the allowed attempts: the code is void, even the right one.
    assert response.status_code == 302
    response = client.post(confirm, {"code": right}, follow=True)
    assert "_auth_user_id" not in client.session


def test_code_requests_are_rate_limited_per_address(maria_by_email, mailoutbox):
    # Three codes a minute per address (ACCOUNT_RATE_LIMITS), whichever browser asks.
    for _ in range(3):
        assert request_code(Client(), "maria@example.org").status_code == 302
    response = request_code(Client(), "maria@example.org")
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mailoutbox) == 3


def test_a_repeated_request_from_one_browser_sends_one_code(client, maria_by_email, mailoutbox):
    request_code(client, "maria@example.org")
    request_code(client, "maria@example.org")
    assert len(mailoutbox) == 1


def test_unknown_address_looks_the_same_as_a_known_one(client, db, mailoutbox):
    response = request_code(client, "nobody@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")


def test_member_without_email_signs_in_with_username_and_password(client, db):
    from tests.factories import UserFactory

    UserFactory(username="precious", email="")
    response = client.post(reverse("account_login"), {"login": "precious", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/my/"


def test_session_key_is_rotated_at_sign_in(client, sam):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("account_login"), {"login": "sam@example.org", "password": PASSWORD})
    assert client.session.session_key != before


def test_open_sign_up_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "username": "new",
            "password1": "x" * 12,
            "password2": "x" * 12,
        },
    )
    assert "_auth_user_id" not in client.session
    assert "closed" in response.content.decode().lower()


@pytest.fixture
def mfa_required(settings):
    settings.HEARTH_REQUIRE_MFA = True


def test_staff_without_mfa_are_sent_to_set_it_up(client, helen, mfa_required):
    client.post(reverse("account_login"), {"login": "helen", "password": PASSWORD})
    response = client.get(reverse("staff_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Setting it up (allauth asks for the password again first) is reachable; nothing else is.
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("home"), follow=True).redirect_chain[-1][0] == reverse(
        "mfa_activate_totp"
    )


def test_staff_with_mfa_must_pass_it_before_any_staff_page(client, helen, mfa_required):
    secret = generate_totp_secret()
    TOTP.activate(helen, secret)
    response = client.post(reverse("account_login"), {"login": "helen", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    counter = int(time.time()) // 30
    response = client.post(
        reverse("mfa_authenticate"), {"code": f"{hotp_value(secret, counter):06d}"}
    )
    assert response.status_code == 302
    assert client.get(reverse("staff_home")).status_code == 200


def test_staff_session_without_mfa_record_is_asked_again(client, helen, mfa_required):
    Authenticator.objects.create(user=helen, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(helen)
    response = client.get(reverse("staff_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_members_are_not_asked_for_mfa(client, sam, mfa_required):
    client.force_login(sam)
    assert client.get(reverse("member_home")).status_code == 200


def test_mfa_is_off_in_a_checkout_so_newcomers_can_look_around(client, helen, settings):
    assert settings.HEARTH_REQUIRE_MFA is False
    client.force_login(helen)
    assert client.get(reverse("staff_home")).status_code == 200


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_refuses_members(client, sam):
    client.force_login(sam)
    assert client.get("/admin/login/").status_code == 403
