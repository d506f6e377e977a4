"""Every member page against every role: she gets in; staff get 403; someone outside
the group (or not owning the thing) gets 404; the wrong method gets 405; nobody
signed in is sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import SupportContact
from tests.factories import StaffFactory

GET, POST = "get", "post"

# (url name, what the URL is scoped to, the methods it answers)
PAGES = [
    ("member_home", None, {GET}),
    ("groups:my_details", None, {GET, POST}),
    ("groups:my_contact", None, {GET, POST}),
    ("groups:my_support_contacts", None, {GET, POST}),
    ("groups:my_support_contact_remove", "contact", {POST}),
    ("groups:my_support_plan", None, {GET, POST}),
    ("groups:my_support_plan_sharing", None, {GET, POST}),
    ("groups:my_support_plan_views", None, {GET}),
    ("groups:my_step_back", "group", {GET, POST}),
    ("groups:my_come_back", "group", {POST}),
    ("groups:my_leave", "group", {GET, POST}),
    ("groups:my_agreement", "group", {GET, POST}),
    ("groups:my_agreement_comment", "group", {POST}),
]
IDS = [name.split(":")[-1] for name, _, _ in PAGES]


@pytest.fixture
def sams_contact(sam):
    return SupportContact.objects.create(
        member=sam, kind=SupportContact.Kind.TRUSTED_PERSON, name="Auntie Rose"
    )


@pytest.fixture
def url_for(tuesday_group, sams_contact):
    def make(name: str, scope: str | None) -> str:
        if scope == "group":
            return reverse(name, kwargs={"group_id": tuesday_group.pk})
        if scope == "contact":
            return reverse(name, kwargs={"contact_id": sams_contact.pk})
        return reverse(name)

    return make


def call(client, method: str, url: str):
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_nobody_signed_in_is_sent_to_sign_in(client, url_for, name, scope, methods):
    url = url_for(name, scope)
    for method in methods:
        response = call(client, method, url)
        assert response.status_code == 302, method
        assert response["Location"].startswith(reverse("account_login")), method


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_staff_of_her_own_group_get_403(
    client, url_for, helen_fac, helen, dee, sam_membership, name, scope, methods
):
    url = url_for(name, scope)
    for user in (helen, dee):
        client.force_login(user)
        for method in methods:
            assert call(client, method, url).status_code == 403, (user, method)


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_partner_admin_and_other_staff_get_403(
    client, url_for, ruth, tom, sam_membership, name, scope, methods
):
    url = url_for(name, scope)
    for user in (ruth, tom, StaffFactory(is_superuser=True)):
        client.force_login(user)
        for method in methods:
            assert call(client, method, url).status_code == 403, (user, method)


@pytest.mark.parametrize(
    ("name", "scope", "methods"),
    [p for p in PAGES if p[1]],
    ids=[i for i, p in zip(IDS, PAGES, strict=True) if p[1]],
)
def test_someone_outside_gets_404(
    client, url_for, aisha, maria_membership, maria, sam_membership, name, scope, methods
):
    """Aisha is in another group; Maria is in the group but it is Sam's contact."""
    url = url_for(name, scope)
    outsider = aisha if scope == "group" else maria
    client.force_login(outsider)
    for method in methods:
        assert call(client, method, url).status_code == 404, method


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_the_wrong_method_is_refused(client, url_for, sam, sam_membership, name, scope, methods):
    url = url_for(name, scope)
    client.force_login(sam)
    for method in {GET, POST, "put", "delete", "patch"} - methods:
        assert call(client, method, url).status_code == 405, method


def test_a_group_she_never_joined_is_404_even_if_it_exists(
    client, sam, sam_membership, thursday_group
):
    client.force_login(sam)
    for name in ("groups:my_step_back", "groups:my_leave", "groups:my_agreement"):
        assert client.get(reverse(name, kwargs={"group_id": thursday_group.pk})).status_code == 404
    assert (
        client.get(reverse("groups:my_agreement", kwargs={"group_id": 999999})).status_code == 404
    )


def test_a_group_she_has_left_is_404_except_the_leave_page(client, sam, sam_membership):
    sam_membership.status = "left"
    sam_membership.save()
    client.force_login(sam)
    group_id = sam_membership.group_id
    for name in ("groups:my_step_back", "groups:my_agreement"):
        assert client.get(reverse(name, kwargs={"group_id": group_id})).status_code == 404
    for name in ("groups:my_come_back", "groups:my_agreement_comment"):
        assert client.post(reverse(name, kwargs={"group_id": group_id})).status_code == 404
    response = client.get(reverse("groups:my_leave", kwargs={"group_id": group_id}))
    assert response.status_code == 200
    assert "You have left this group." in response.content.decode()


def test_a_members_staff_role_elsewhere_does_not_open_member_pages_there(
    client, sam, sam_membership, thursday_group
):
    """Sam co-facilitates in the Thursday group: her member pages are only for the group
    she is a member of."""
    from tests.factories import MembershipFactory

    MembershipFactory(user=sam, group=thursday_group, role="facilitator")
    client.force_login(sam)
    url = reverse("groups:my_agreement", kwargs={"group_id": thursday_group.pk})
    assert client.get(url).status_code == 404
