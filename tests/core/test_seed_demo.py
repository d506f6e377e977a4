"""seed_demo makes the people of PEOPLE.md, and running it again changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from coproduction.accounts.models import User
from groups.models import CoproGroup, Membership, Organisation


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


ROLES = {"member", "facilitator", "support_worker", "partner_admin", "superuser"}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        CoproGroup.objects.count(),
        Membership.objects.count(),
    )


def test_two_organisations_each_with_a_group_of_the_right_shape(db):
    seed()
    assert set(Organisation.objects.values_list("kind", flat=True)) == {"charity", "university"}
    for group in CoproGroup.objects.all():
        roles = list(group.memberships.values_list("role", flat=True))
        assert roles.count("facilitator") == 2
        assert roles.count("support_worker") == 1
        assert roles.count("member") == 6
        assert group.organisations.get().partner_admins.count() == 1


def test_running_twice_makes_nothing_new(db):
    seed()
    first = counts()
    password_hash = User.objects.get(username="sam").password
    seed()
    assert counts() == first
    assert User.objects.get(username="sam").password == password_hash


def test_accounts_file_lists_every_account_with_a_working_password(client, db):
    output = seed()
    accounts = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    assert len(accounts) == User.objects.count() == 21
    assert {a["role"] for a in accounts} == ROLES
    for account in accounts:
        assert set(account) >= {"email", "password", "role", "group"}
        login = account["email"] or account["username"]
        assert login in output
        user = User.objects.get(username=account["username"])
        assert user.check_password(account["password"]), login
        assert user.is_member == (account["role"] == "member")


def test_the_people_of_people_md_are_there(db):
    seed()
    helen = User.objects.get(email="helen.ward@example.org")
    assert helen.memberships.get().role == "facilitator"
    assert User.objects.get(username="precious").email == ""  # reached through Dee
    ruth = User.objects.get(username="ruth")
    assert ruth.is_staff and not ruth.is_superuser
    tom = User.objects.get(username="tom")
    assert tom.memberships.get().group != helen.memberships.get().group


def test_member_facing_group_names_are_neutral(db):
    seed()
    for name in CoproGroup.objects.values_list("member_facing_name", flat=True):
        for word in ("trauma", "charity", "health", "care", "research"):
            assert word not in name.lower()


def test_demo_member_can_sign_in_by_password(client, db):
    seed()
    response = client.post(
        "/accounts/login/", {"login": "maria@example.org", "password": "hearth-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/my/"
