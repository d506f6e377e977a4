"""The safe shell every member page stands in: exit, no caching, CSP, session limits."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from coproduction.core.middleware import LAST_SEEN_KEY


def test_exit_ends_the_session_and_goes_to_the_neutral_site(client, sam, settings):
    client.force_login(sam)
    response = client.get(reverse("exit"))
    assert response.status_code == 302
    assert response["Location"] == settings.HEARTH_EXIT_URL == "https://www.bbc.co.uk/weather"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("member_home"))["Location"].startswith(reverse("account_login"))


def test_exit_destination_comes_from_settings(client, sam, settings):
    settings.HEARTH_EXIT_URL = "https://www.google.com/search?q=weather"
    client.force_login(sam)
    assert client.get(reverse("exit"))["Location"] == settings.HEARTH_EXIT_URL


def test_exit_works_for_someone_not_signed_in(client, db):
    assert client.get(reverse("exit")).status_code == 302


def test_exit_refuses_other_methods(client, sam):
    client.force_login(sam)
    assert client.post(reverse("exit")).status_code == 405


def test_every_page_a_member_can_reach_offers_the_exit(client, sam):
    pages = [
        reverse("account_login"),
        reverse("account_request_login_code"),
        reverse("exit_explained"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'href="/exit/"' in html, url
        assert "Exit this page" in html, url
        assert "exit-this-page.js" in html, url
    client.force_login(sam)
    html = client.get(reverse("member_home")).content.decode()
    assert html.count('href="/exit/"') == 2  # the button and the skip link


def test_member_pages_are_never_stored(client, sam):
    client.force_login(sam)
    for url in (reverse("member_home"), reverse("account_login"), reverse("exit_explained")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control, url
        assert "private" in cache_control, url


def test_staff_pages_are_never_stored_either(client, helen):
    client.force_login(helen)
    assert "no-store" in client.get(reverse("staff_home"))["Cache-Control"]


def test_strict_content_security_policy(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_inline_script_in_the_shell(client, sam):
    client.force_login(sam)
    html = client.get(reverse("member_home")).content.decode()
    assert "<script>" not in html
    assert "onclick" not in html.lower()


def test_member_page_title_and_name_are_neutral(client, sam, settings):
    settings.HEARTH_SITE_NAME = "Notes"
    client.force_login(sam)
    html = client.get(reverse("member_home")).content.decode()
    assert "<title>Home – Notes</title>" in html
    for word in ("trauma", "charity", "co-production", "health"):
        assert word not in html.lower()


def test_member_session_ends_when_the_browser_closes(client, sam):
    client.force_login(sam)
    client.get(reverse("member_home"))
    assert client.session.get_expire_at_browser_close()


def test_member_session_ends_after_thirty_idle_minutes(client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        client.force_login(sam)
        assert client.get(reverse("member_home")).status_code == 200
    with time_machine.travel("2026-11-25 10:29", tick=False):
        assert client.get(reverse("member_home")).status_code == 200
    with time_machine.travel("2026-11-25 10:58", tick=False):
        assert client.get(reverse("member_home")).status_code == 200  # 29 minutes idle
    with time_machine.travel("2026-11-25 11:29", tick=False):
        response = client.get(reverse("member_home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert LAST_SEEN_KEY not in client.session


def test_staff_session_ends_eight_hours_after_sign_in_however_busy(client, helen):
    with time_machine.travel("2026-11-25 09:00", tick=False):
        client.force_login(helen)
        assert client.get(reverse("staff_home")).status_code == 200
    for hour in range(10, 17):
        with time_machine.travel(f"2026-11-25 {hour}:30", tick=False):
            assert client.get(reverse("staff_home")).status_code == 200
    with time_machine.travel("2026-11-25 17:01", tick=False):
        assert client.get(reverse("staff_home")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert not client.session.get_expire_at_browser_close()


def test_home_sends_each_person_to_her_own_pages(client, sam, helen):
    assert client.get(reverse("home"))["Location"] == reverse("account_login")
    client.force_login(sam)
    assert client.get(reverse("home"))["Location"] == reverse("member_home")
    client.force_login(helen)
    assert client.get(reverse("home"))["Location"] == reverse("staff_home")


def test_home_pages_refuse_the_wrong_role(client, sam, helen):
    client.force_login(sam)
    assert client.get(reverse("staff_home")).status_code == 403
    client.force_login(helen)
    assert client.get(reverse("member_home")).status_code == 403


def test_home_pages_need_sign_in(client, db):
    for name in ("member_home", "staff_home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_pages_refuse_the_wrong_method(client, sam, helen):
    client.force_login(sam)
    assert client.post(reverse("member_home")).status_code == 405
    assert client.post(reverse("home")).status_code == 405
    assert client.post(reverse("exit_explained")).status_code == 405
    client.force_login(helen)
    assert client.post(reverse("staff_home")).status_code == 405


def test_sign_out_is_a_post(client, sam):
    client.force_login(sam)
    html = client.get(reverse("member_home")).content.decode()
    assert f'method="post" action="{reverse("account_logout")}"' in html
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_forms_posted_by_a_real_browser_pass_the_origin_check(db, settings):
    from django.test import Client

    from tests.factories import PASSWORD, UserFactory

    UserFactory(username="lou", email="lou@example.org")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("account_login"))
    assert page["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = browser.post(
        reverse("account_login"),
        {"login": "lou", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
