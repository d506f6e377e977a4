"""A fresh sign-in (any method) within ten minutes, for the most consequential actions."""

from __future__ import annotations

import time_machine
from django.contrib.auth import get_user
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from coproduction.core.freshness import fresh_sign_in_required
from tests.factories import PASSWORD


@fresh_sign_in_required
def guarded(request):
    return HttpResponse("done")


def signed_in_request(client, method="get", **headers):
    request = getattr(RequestFactory(), method)("/my/data/remove/", **headers)
    request.session = client.session
    request.user = get_user(request)
    request._messages = FallbackStorage(request)
    return request


def test_recent_sign_in_lets_the_action_run(client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        client.post(reverse("account_login"), {"login": "sam", "password": PASSWORD})
    with time_machine.travel("2026-11-25 10:09", tick=False):
        assert guarded(signed_in_request(client)).content == b"done"


def test_old_sign_in_asks_her_to_sign_in_again_and_comes_back(client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        client.post(reverse("account_login"), {"login": "sam", "password": PASSWORD})
    with time_machine.travel("2026-11-25 10:11", tick=False):
        response = guarded(signed_in_request(client))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fmy%2Fdata%2Fremove%2F"


def test_a_stale_form_post_returns_to_the_page_it_was_on(client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        client.post(reverse("account_login"), {"login": "sam", "password": PASSWORD})
    with time_machine.travel("2026-11-25 10:30", tick=False):
        request = signed_in_request(client, "post", HTTP_REFERER="http://testserver/my/data/")
        response = guarded(request)
    assert response["Location"] == "/accounts/login/?next=%2Fmy%2Fdata%2F"


def test_a_foreign_referer_is_not_followed(client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        client.post(reverse("account_login"), {"login": "sam", "password": PASSWORD})
    with time_machine.travel("2026-11-25 10:30", tick=False):
        request = signed_in_request(client, "post", HTTP_REFERER="https://evil.example/x")
        response = guarded(request)
    assert response["Location"] == "/accounts/login/?next=%2F"


def test_force_login_without_a_sign_in_record_is_not_fresh(client, sam):
    client.force_login(sam)
    assert guarded(signed_in_request(client)).status_code == 302
