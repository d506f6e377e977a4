"""Her browser history tells nobody what she was doing: every address and page title a
member can reach uses neutral words, and a redirect to sign-in from a member page
carries no path (staff pages keep theirs)."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponseRedirect
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, StringConverter

from consent.models import ConsentPurpose
from consent.urls import PurposeConverter
from coproduction.core.middleware import RETURN_TO_KEY, SignInRedirectMiddleware
from groups.models import SupportContact
from tests.factories import PASSWORD
from tests.groups import conftest as groups_fixtures

tuesday_group = groups_fixtures.tuesday_group
organisation = groups_fixtures.organisation
dee = groups_fixtures.dee
sam_membership = groups_fixtures.sam_membership
helen_fac = groups_fixtures.helen_fac

FORBIDDEN = ("erase", "erasure", "support", "trauma", "consent", "charity", "abuse")
STAFF_PREFIXES = ("staff/", "admin/")
SIGNS_OUT = {"exit", "account_logout"}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _converters(pattern) -> dict:
    converters = dict(getattr(pattern, "converters", {}))
    # re_path() patterns (allauth's) name their groups without converters.
    for group in getattr(pattern, "regex", re.compile("")).groupindex:
        converters.setdefault(group, None)
    return converters


def _patterns(resolvers=None, prefix="", namespace="", outer=None):
    """(route, url name with namespace, converters) of every URL pattern."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        converters = {**(outer or {}), **_converters(entry.pattern)}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, route, inner, converters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route, namespace + entry.name, converters


def member_patterns():
    return [p for p in _patterns() if not p[0].startswith(STAFF_PREFIXES)]


def _samples(converter) -> list:
    if converter is None:
        return ["1"]
    if isinstance(converter, PurposeConverter):
        return list(ConsentPurpose.objects.values_list("slug", flat=True))
    if isinstance(converter, IntConverter):
        return [1]
    if isinstance(converter, StringConverter):
        return ["x"]
    pytest.fail(f"no sample value for {type(converter).__name__}: add one so the path is checked")


def addresses(objects: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """(url name, path) of every member-reachable URL, once per real purpose slug."""
    found = []
    for _route, name, converters in member_patterns():
        kwargs_options = [{}]
        for kwarg, converter in converters.items():
            value = (objects or {}).get(kwarg)
            values = [value] if value is not None else _samples(converter)
            kwargs_options = [{**k, kwarg: v} for k in kwargs_options for v in values]
        found += [(name, reverse(name, kwargs=kwargs)) for kwargs in kwargs_options]
    return found


def forbidden_in(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word in text.lower()]


def test_no_member_path_has_a_revealing_word(db):
    paths = addresses()
    assert len(paths) > 30
    assert ("groups:my_support_plan", "/my/plan/") in paths
    assert ("groups:my_support_contacts", "/my/people/") in paths
    assert ("consent:my_data_erase", "/my/data/remove/") in paths
    leaks = [(name, path, forbidden_in(path)) for name, path in paths if forbidden_in(path)]
    assert leaks == []


def test_a_purpose_slug_that_names_a_role_is_spelled_neutrally_and_only_one_way(
    client, sam, sam_membership
):
    slug = "checkins_seen_by_support_worker"
    path = reverse("consent:my_choice_set", args=[slug])
    assert path == "/my/choices/checkins_seen_by_worker/"
    client.force_login(sam)
    assert client.post(path, {"answer": "yes"}).status_code == 302
    assert client.post(f"/my/choices/{slug}/", {"answer": "yes"}).status_code == 404


def sign_in(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_no_member_page_title_has_a_revealing_word(client, sam, sam_membership, tuesday_group):
    contact = SupportContact.objects.create(
        member=sam, kind=SupportContact.Kind.TRUSTED_PERSON, name="Auntie Rose"
    )
    sign_in(client, sam)  # freshly, so the pages behind a fresh sign-in show too
    objects = {"group_id": tuesday_group.pk, "contact_id": contact.pk}
    titles = {}
    for name, path in addresses(objects):
        if name in SIGNS_OUT:
            continue
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            titles[path] = TITLE.search(response.content.decode()).group(1).strip()
    assert titles["/my/plan/"] == "My plan – Hearth"
    assert titles["/my/people/"] == "My people – Hearth"
    assert titles["/my/data/remove/"] == "Remove my information – Hearth"
    assert len(titles) >= 15
    leaks = {path: title for path, title in titles.items() if forbidden_in(title)}
    assert leaks == {}


@pytest.mark.parametrize("name", ["groups:my_support_plan", "member_home", "consent:my_data"])
def test_sign_in_from_a_member_page_carries_no_path(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert client.session[RETURN_TO_KEY] == reverse(name)


def test_after_signing_in_she_is_back_where_she_was(client, sam, sam_membership):
    client.get(reverse("groups:my_support_plan"))
    response = client.post(
        reverse("account_login"), {"login": "sam", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/my/plan/"
    assert RETURN_TO_KEY not in client.session
    # Only once: the next visit home is home.
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/my/"


def test_a_staff_page_keeps_its_next(client, db, tuesday_group):
    path = reverse("groups:roster", args=[tuesday_group.pk])
    response = client.get(path)
    assert response["Location"] == f"{reverse('account_login')}?next={path}"
    assert RETURN_TO_KEY not in client.session


def test_staff_are_not_sent_to_a_member_page_after_signing_in(client, helen, helen_fac):
    client.get(reverse("groups:my_support_plan"))
    client.force_login(helen)
    session = client.session
    session[RETURN_TO_KEY] = "/my/plan/"
    session.save()
    assert client.get("/")["Location"] == reverse("staff_home")


def test_a_foreign_address_is_never_kept_to_go_back_to(client, db):
    request = RequestFactory().get("/my/")
    request.session = client.session
    middleware = SignInRedirectMiddleware(
        lambda request: HttpResponseRedirect("/accounts/login/?next=https://evil.example/x")
    )
    assert middleware(request)["Location"] == "/accounts/login/"
    assert RETURN_TO_KEY not in request.session


def test_other_redirects_are_left_alone(client, db):
    request = RequestFactory().get("/my/")
    request.session = client.session
    for location in ("/my/?next=/my/plan/", "https://example.org/accounts/login/?next=/my/"):
        response = HttpResponseRedirect(location)
        assert SignInRedirectMiddleware(lambda request, r=response: r)(request) is response
        assert response["Location"] == location
