"""Error pages (400, 403, 404, 500) with debug off: each in the shell of the person who
sees it, with a way back; the member shell keeps Exit this page; staff are told what
role a page needs, members and people signed out are told nothing; the 500 page needs
neither the database nor the request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from coproduction.core import views
from groups import access, permissions
from groups.models import Membership
from tests.factories import MembershipFactory, StaffFactory
from tests.groups import conftest as groups_fixtures

organisation = groups_fixtures.organisation
tuesday_group = groups_fixtures.tuesday_group
helen_fac = groups_fixtures.helen_fac
dee = groups_fixtures.dee
sam_membership = groups_fixtures.sam_membership
maria_membership = groups_fixtures.maria_membership
university = groups_fixtures.university
thursday_group = groups_fixtures.thursday_group
tom = groups_fixtures.tom

ROLE_MESSAGES = (
    "Only the group's facilitators can do this.",
    "This page is for the group's facilitators and support workers.",
    "Only the group's facilitators and this member's support worker can see this.",
    "This page is for members of a group, not for staff.",
    "This page is for staff.",
)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def boom(request: HttpRequest):
    raise RuntimeError("the database went away")


def bad(request: HttpRequest):
    raise SuspiciousOperation("a forged header")


# This module is the URLconf of the tests marked `urls`: Hearth's own, plus two views
# that fail, and Hearth's handlers.
urlpatterns = [
    path("test-boom/", boom),
    path("test-bad/", bad),
    path("", include("coproduction.urls")),
]
handler400 = "coproduction.core.views.bad_request"
handler403 = "coproduction.core.views.permission_denied"
handler404 = "coproduction.core.views.page_not_found"
handler500 = "coproduction.core.views.server_error"


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def browser():
    """A client that gets the error page, as a browser would, rather than the exception."""
    return Client(raise_request_exception=False)


def member_shell(html: str) -> None:
    assert 'class="member"' in html
    assert 'href="/exit/"' in html and "data-exit-this-page-button" in html
    assert "exit-this-page.js" in html


def staff_shell(html: str) -> None:
    assert 'class="staff"' in html
    assert "data-exit-this-page" not in html


def way_back(html: str) -> None:
    assert f'href="{reverse("home")}">Go to the home page</a>' in html


def title(html: str) -> str:
    return TITLE.search(html).group(1).strip()


def no_role_message(html: str) -> None:
    assert not [message for message in ROLE_MESSAGES if message.replace("'", "&#x27;") in html]


# --- 404 ------------------------------------------------------------------------------


def test_404_signed_out_is_in_the_member_shell(browser, db):
    response = browser.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    member_shell(html)
    way_back(html)
    assert title(html) == "Page not found – Hearth"


def test_404_for_a_member_is_in_the_member_shell(browser, sam, sam_membership):
    browser.force_login(sam)
    response = browser.get(reverse("groups:my_agreement", args=[999999]))
    assert response.status_code == 404
    html = response.content.decode()
    member_shell(html)
    way_back(html)
    assert "Sign out" in html


def test_404_for_staff_is_in_the_staff_shell(browser, tom, tuesday_group):
    browser.force_login(tom)
    response = browser.get(reverse("groups:roster", args=[tuesday_group.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    staff_shell(html)
    way_back(html)
    assert title(html) == "Page not found – Hearth"


# --- 403 ------------------------------------------------------------------------------


def test_403_for_staff_says_what_role_is_needed(browser, dee, tuesday_group):
    browser.force_login(dee)
    response = browser.get(reverse("groups:invite", args=[tuesday_group.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    staff_shell(html)
    way_back(html)
    assert "Only the group&#x27;s facilitators can do this." in html
    assert title(html) == "You cannot open this page – Hearth"


def test_403_for_a_support_worker_names_who_may_see_a_member(
    browser, dee, tuesday_group, maria_membership
):
    browser.force_login(dee)
    url = reverse("groups:member_detail", args=[tuesday_group.pk, maria_membership.pk])
    html = browser.get(url).content.decode()
    assert "Only the group&#x27;s facilitators and this member&#x27;s support worker" in html


def test_403_for_staff_on_a_member_page(browser, helen):
    browser.force_login(helen)
    response = browser.get(reverse("groups:my_details"))
    assert response.status_code == 403
    html = response.content.decode()
    staff_shell(html)
    assert "This page is for members of a group, not for staff." in html


def test_403_for_a_member_tells_her_nothing_about_roles(browser, sam, sam_membership):
    browser.force_login(sam)
    for url in (
        reverse("groups:roster", args=[sam_membership.group_id]),
        reverse("groups:invite", args=[sam_membership.group_id]),
        reverse("staff_home"),
    ):
        response = browser.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        member_shell(html)
        way_back(html)
        no_role_message(html)
        assert "This page is not one you can use." in html
        assert title(html) == "You cannot open this page – Hearth"


def test_the_access_helpers_give_each_refusal_a_message(
    sam, sam_membership, dee, maria_membership, helen, tuesday_group
):
    # A staff account that is only a member of this group (say, on a training course).
    trainee = MembershipFactory(
        user=StaffFactory(username="trainee"), group=tuesday_group, role=Membership.Role.MEMBER
    ).user
    refusals = [
        lambda: access.staff_access(dee, tuesday_group.pk, manage=True),
        lambda: access.staff_access(trainee, tuesday_group.pk),
        lambda: access.staff_access(dee, tuesday_group.pk).member(maria_membership.pk),
        lambda: permissions.require_member(helen),
        lambda: permissions.require_staff(sam),
    ]
    messages = []
    for refuse in refusals:
        with pytest.raises(PermissionDenied) as refused:
            refuse()
        messages.append(str(refused.value))
    assert tuple(messages) == ROLE_MESSAGES


# --- 500 and 400 ----------------------------------------------------------------------


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_is_in_the_member_shell_with_a_way_back(browser, db):
    response = browser.get("/test-boom/")
    assert response.status_code == 500
    html = response.content.decode()
    member_shell(html)
    way_back(html)
    assert title(html) == "Sorry, something went wrong – Hearth"
    assert "the database went away" not in html


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_for_staff_is_in_the_staff_shell(browser, helen):
    browser.force_login(helen)
    # The session-limits middleware loaded her before the view failed.
    response = browser.get("/test-boom/")
    assert response.status_code == 500
    html = response.content.decode()
    staff_shell(html)
    way_back(html)


def test_500_needs_no_database_and_no_request_context(db, helen, django_assert_num_queries):
    request = RequestFactory().get("/my/")
    # A request whose every attribute a context processor would read is missing.
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    member_shell(response.content.decode())

    request.user = helen  # already loaded: her shell, still without a query
    with django_assert_num_queries(0):
        html = views.server_error(request).content.decode()
    staff_shell(html)
    assert "Sign out" not in html  # no session or CSRF token to sign out with


def test_500_without_a_database_at_all(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page asked the database")

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        assert views.server_error(request).status_code == 500


@pytest.mark.urls("tests.core.test_error_pages")
def test_400_is_in_the_member_shell_with_a_way_back(browser, db):
    response = browser.get("/test-bad/")
    assert response.status_code == 400
    html = response.content.decode()
    member_shell(html)
    way_back(html)
    assert title(html) == "Sorry, that did not work – Hearth"
    assert "forged" not in html


def test_the_handlers_are_hearths():
    from coproduction import urls

    assert urls.handler400 == "coproduction.core.views.bad_request"
    assert urls.handler403 == "coproduction.core.views.permission_denied"
    assert urls.handler404 == "coproduction.core.views.page_not_found"
    assert urls.handler500 == "coproduction.core.views.server_error"
