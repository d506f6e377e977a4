"""Password sign-in does the same hashing work for a known and an unknown address or name,
so its timing tells an onlooker nothing (issue 7, point 4)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def hasher_calls(monkeypatch):
    """Each password hash worked out by the hasher in use (MD5 in tests). `verify` works
    one out by calling `encode`, so a call inside another is the same piece of work."""
    calls: list[str] = []
    depth = [0]

    def counted(name, original):
        def wrapper(self, *args, **kwargs):
            if depth[0] == 0:
                calls.append(name)
            depth[0] += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    for name in ("encode", "verify"):
        monkeypatch.setattr(
            MD5PasswordHasher, name, counted(name, getattr(MD5PasswordHasher, name))
        )
    return calls


@pytest.fixture
def member(db):
    return UserFactory(username="kerry", email="kerry@example.org")


WRONG = PASSWORD + " but wrong"


def hashes_for(client, hasher_calls, login: str) -> int:
    hasher_calls.clear()
    response = client.post(reverse("account_login"), {"login": login, "password": WRONG})
    assert response.status_code == 200, "a wrong password is refused on the page"
    assert "_auth_user_id" not in client.session
    return len(hasher_calls)


def test_wrong_password_costs_the_same_known_or_unknown(client, member, hasher_calls):
    costs = {
        "known address": hashes_for(client, hasher_calls, "kerry@example.org"),
        "known address, other case": hashes_for(client, hasher_calls, "KERRY@example.org"),
        "unknown address": hashes_for(client, hasher_calls, "nobody@example.org"),
        "known name": hashes_for(client, hasher_calls, "kerry"),
        "unknown name": hashes_for(client, hasher_calls, "nobody"),
    }
    assert set(costs.values()) == {1}, costs


def test_an_account_with_no_email_costs_the_same(client, db, hasher_calls):
    UserFactory(username="precious", email="")
    assert hashes_for(client, hasher_calls, "precious") == 1
    assert hashes_for(client, hasher_calls, "nobody") == 1


def test_the_right_password_still_signs_her_in(client, member, hasher_calls):
    for login in ("kerry@example.org", "kerry"):
        client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert int(client.session["_auth_user_id"]) == member.pk
        client.logout()


def test_an_inactive_account_is_told_apart_only_with_the_right_password(client, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = client.post(reverse("account_login"), {"login": "kerry", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session
