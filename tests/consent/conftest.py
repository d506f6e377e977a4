"""Consent fixtures: the Tuesday group of tests/groups/conftest.py (Helen facilitates,
Dee supports Sam, Sam and Maria are members; Tom and Aisha are in the Thursday group),
the consent purposes, and members signed in with or without a fresh sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent.models import ConsentPurpose
from tests.conftest import ensure_purposes
from tests.factories import PASSWORD
from tests.groups import conftest as groups_fixtures

# The groups fixtures, shared rather than moved, so both folders test one world.
organisation = groups_fixtures.organisation
university = groups_fixtures.university
tuesday_group = groups_fixtures.tuesday_group
thursday_group = groups_fixtures.thursday_group
helen_fac = groups_fixtures.helen_fac
dee = groups_fixtures.dee
sam_membership = groups_fixtures.sam_membership
maria_membership = groups_fixtures.maria_membership
tom = groups_fixtures.tom
aisha = groups_fixtures.aisha
ruth = groups_fixtures.ruth


@pytest.fixture(autouse=True)
def purposes(db) -> dict[str, ConsentPurpose]:
    """slug → purpose, for every purpose of the data migration."""
    return ensure_purposes()


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Downloads are written under a folder of this test's own."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def sign_in(client, user) -> None:
    """Sign in through the password form, as she would: this is what makes a sign-in
    "fresh" (force_login leaves no record of how or when she signed in)."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.fixture
def member_client(client, sam, sam_membership):
    """Sam, signed in (not freshly: enough for every page but download and erase)."""
    client.force_login(sam)
    return client


@pytest.fixture
def fresh_client(client, sam, sam_membership):
    """Sam, signed in through the form just now."""
    sign_in(client, sam)
    return client
