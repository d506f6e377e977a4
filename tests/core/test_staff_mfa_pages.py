"""With HEARTH_REQUIRE_MFA on, staff without a second factor reach only the pages that set
one up, and sign-out, exit and health; an allow-list, so a new page starts closed."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

SETUP = reverse("mfa_activate_totp")
OPEN_TO_STAFF_WITHOUT_A_FACTOR = [
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_index",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_logout",
    "exit_explained",
    "healthz",
]
CLOSED_TO_STAFF_WITHOUT_A_FACTOR = [
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_login",
    "account_request_login_code",
    "account_inactive",
    "mfa_list_webauthn",
    "mfa_deactivate_totp",
    "mfa_reauthenticate",
    "staff_home",
    "home",
]
CLOSED_PATHS = [
    "/accounts/",
    "/accounts/confirm-email/some-key/",
    "/accounts/password/reset/key/1-x/",
    "/accounts/2fa/webauthn/keys/1/edit/",
    "/accounts/no-such-page/",
    "/admin/",
    "/my/",
]


@pytest.fixture
def staff_without_a_factor(client, helen, settings):
    settings.HEARTH_REQUIRE_MFA = True
    client.force_login(helen)
    return client


@pytest.mark.parametrize("name", OPEN_TO_STAFF_WITHOUT_A_FACTOR)
def test_the_pages_that_set_up_a_factor_are_open(staff_without_a_factor, name):
    response = staff_without_a_factor.get(reverse(name))
    assert response.get("Location") != SETUP
    assert response.status_code < 500


@pytest.mark.parametrize("name", CLOSED_TO_STAFF_WITHOUT_A_FACTOR)
def test_every_other_named_page_sends_her_to_set_one_up(staff_without_a_factor, name):
    for method in ("get", "post"):
        response = getattr(staff_without_a_factor, method)(reverse(name))
        assert response.status_code == 302, (name, method)
        assert response["Location"] == SETUP, (name, method)


@pytest.mark.parametrize("path", CLOSED_PATHS)
def test_unnamed_and_unknown_paths_are_closed_too(staff_without_a_factor, path):
    response = staff_without_a_factor.get(path)
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_exit_still_works_for_staff_without_a_factor(staff_without_a_factor, settings):
    response = staff_without_a_factor.get(reverse("exit"))
    assert response.get("Location") != SETUP


def test_signing_out_works_for_staff_without_a_factor(staff_without_a_factor):
    response = staff_without_a_factor.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in staff_without_a_factor.session


def test_a_factor_not_used_this_session_opens_only_the_check(client, helen, settings):
    settings.HEARTH_REQUIRE_MFA = True
    Authenticator.objects.create(user=helen, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(helen)
    for name in ("account_email", "account_change_password", "mfa_index", "staff_home"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), name
    assert client.get(reverse("mfa_reauthenticate")).status_code == 200


def test_static_files_are_not_held_back(staff_without_a_factor):
    response = staff_without_a_factor.get("/static/no-such-file.css")
    assert response.get("Location") != SETUP


def test_members_reach_their_pages_and_account_pages(client, sam, settings):
    settings.HEARTH_REQUIRE_MFA = True
    client.force_login(sam)
    assert client.get(reverse("member_home")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
