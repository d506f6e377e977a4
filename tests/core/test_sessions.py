"""Sessions are indexed by the person they belong to, so ending hers (at erasure) reads
her rows alone, however many other people are signed in."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as PlainSessionStore
from django.contrib.sessions.models import Session as PlainSession
from django.test import Client
from django.urls import reverse

from consent import services
from coproduction.core.models import BrowserSession
from coproduction.core.sessions import SessionStore, session_person, sessions_end
from tests.factories import PASSWORD


def sign_in(client, user) -> str:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def test_a_signed_in_session_is_indexed_by_her_id(client, sam):
    key = sign_in(client, sam)
    assert BrowserSession.objects.get(pk=key).person_id == sam.pk


def test_a_sign_in_by_code_under_way_is_indexed_before_she_is_signed_in(client, sam):
    client.post(reverse("account_request_login_code"), {"login": sam.email})
    session = client.session
    assert "_auth_user_id" not in session
    assert "account_login" in session
    assert BrowserSession.objects.get(pk=session.session_key).person_id == sam.pk


def test_signing_out_leaves_no_session_indexed_to_her(client, sam):
    sign_in(client, sam)
    client.post(reverse("account_logout"))
    assert not BrowserSession.objects.filter(person_id=sam.pk).exists()


@pytest.mark.parametrize(
    ("data", "person"),
    [
        ({}, None),
        ({"_auth_user_id": "7"}, 7),
        ({"_auth_user_id": "not a number"}, None),
        ({"account_login": {"user_pk": "z", "email": "a@example.org"}}, 35),
        ({"account_login": {"user_pk": None, "email": "nobody@example.org"}}, None),
        ({"_password_reset_key": "1b-cb2f1e-0a1b2c3d"}, 47),
        ({"_password_reset_key": "no dash"}, None),
        ({"_auth_user_id": "7", "account_login": {"user_pk": "z"}}, 7),
    ],
)
def test_whose_session_it_is(data, person):
    assert session_person(data) == person


def other_sessions(people, count: int) -> None:
    for n in range(count):
        store = SessionStore()
        store["_auth_user_id"] = str(people[n % len(people)].pk) if people else None
        store.create()


@pytest.fixture
def decoded(monkeypatch) -> list[int]:
    """How many session rows were decoded."""
    calls = []
    original = SessionStore.decode

    def counting(self, session_data):
        calls.append(1)
        return original(self, session_data)

    monkeypatch.setattr(SessionStore, "decode", counting)
    return calls


def test_erasing_her_reads_no_one_elses_session(sam, maria, decoded):
    other_sessions([maria], 30)
    other_sessions([], 10)
    signed_in, signing_in = Client(), Client()
    sign_in(signed_in, sam)
    signing_in.post(reverse("account_request_login_code"), {"login": sam.email})
    assert BrowserSession.objects.filter(person_id=sam.pk).count() == 2
    request = services.erasure_request(member=sam, acting_user=sam)
    decoded.clear()

    services.erasure_carry_out(request_id=request.pk)

    assert decoded == []
    assert not BrowserSession.objects.filter(person_id=sam.pk).exists()
    assert BrowserSession.objects.count() == 40


@pytest.mark.parametrize("others", [0, 60])
def test_ending_her_sessions_costs_the_same_however_many_others_there_are(
    sam, maria, others, django_assert_num_queries
):
    other_sessions([maria], others)
    other_sessions([sam], 2)
    with django_assert_num_queries(1):  # DELETE ... WHERE person_id = hers
        assert sessions_end(person_id=sam.pk) == 2


def test_ending_her_sessions_twice_ends_them_once(sam):
    other_sessions([sam], 2)
    assert sessions_end(person_id=sam.pk) == 2
    assert sessions_end(person_id=sam.pk) == 0


def test_sessions_from_before_the_index_are_carried_over_indexed(sam):
    old = PlainSessionStore()
    old["_auth_user_id"] = str(sam.pk)
    old.create()
    migration = importlib.import_module("coproduction.core.migrations.0002_browser_session")

    migration.move_sessions(apps, None)

    moved = BrowserSession.objects.get(pk=old.session_key)
    assert moved.person_id == sam.pk
    assert moved.get_decoded()["_auth_user_id"] == str(sam.pk)
    assert not PlainSession.objects.exists()
