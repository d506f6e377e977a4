"""Every consent page of the member portal against every role: she gets in; staff get
403; another member's contribution, download or request is a 404; the wrong method gets
405; nobody signed in is sent to sign in. Download and erase also need a fresh sign-in,
so those are tried with members signed in through the form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import Contribution, DataExport
from coproduction import crypto
from tests.consent.conftest import sign_in
from tests.factories import StaffFactory

GET, POST = "get", "post"

# (url name, what the URL is scoped to, the methods it answers)
PAGES = [
    ("consent:my_choices", None, {GET}),
    ("consent:my_choice_history", None, {GET}),
    ("consent:my_choice_set", "purpose", {GET, POST}),
    ("consent:my_contributions", None, {GET, POST}),
    ("consent:my_contribution_visibility", "contribution", {POST}),
    ("consent:my_who_sees_what", None, {GET}),
    ("consent:my_who_looked", None, {GET}),
    ("consent:my_more", None, {GET}),
    ("consent:my_data", None, {GET}),
    ("consent:my_data_download_request", None, {POST}),
    ("consent:my_data_download", "export", {GET}),
    ("consent:my_data_erase", None, {GET, POST}),
    ("consent:my_erase_withdraw", "erasure", {POST}),
]
IDS = [name.split(":")[-1] for name, _, _ in PAGES]
SCOPED = [page for page in PAGES if page[1] not in (None, "purpose")]
SCOPED_IDS = [name.split(":")[-1] for name, _, _ in SCOPED]


@pytest.fixture
def sams_things(sam, sam_membership, tuesday_group, var_dir):
    """One of each thing of Sam's that has its own URL."""
    contribution = services.contribution_add(
        member=sam, group=tuesday_group, text="Mine", kind="idea", acting_user=sam
    )
    empty_zip = b"PK\x05\x06" + b"\0" * 18
    (services.export_dir() / "sam.zip").write_bytes(crypto.encrypt_bytes_for(sam.pk, empty_zip))
    export = DataExport.objects.create(
        member=sam, status=DataExport.Status.READY, path="sam.zip", ready_at=timezone.now()
    )
    erasure = services.erasure_request(member=sam, acting_user=sam)
    return {"contribution": contribution, "export": export, "erasure": erasure}


@pytest.fixture
def url_for(sams_things):
    def make(name: str, scope: str | None) -> str:
        if scope == "purpose":
            return reverse(name, kwargs={"slug": "photos"})
        if scope == "contribution":
            return reverse(name, kwargs={"contribution_id": sams_things["contribution"].pk})
        if scope == "export":
            return reverse(name, kwargs={"export_id": sams_things["export"].pk})
        if scope == "erasure":
            return reverse(name, kwargs={"request_id": sams_things["erasure"].pk})
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
def test_she_gets_in(client, url_for, sam, name, scope, methods):
    url = url_for(name, scope)
    sign_in(client, sam)
    for method in methods:
        response = call(client, method, url)
        assert response.status_code in (200, 302), method
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("account_login")), method


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_staff_of_her_own_group_get_403(
    client, url_for, helen_fac, helen, dee, name, scope, methods
):
    url = url_for(name, scope)
    for user in (helen, dee):
        client.force_login(user)
        for method in methods:
            assert call(client, method, url).status_code == 403, (user, method)


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_staff_signed_in_just_now_get_403_too(
    client, url_for, helen_fac, helen, name, scope, methods
):
    """A fresh sign-in changes nothing for staff: these are her pages."""
    url = url_for(name, scope)
    sign_in(client, helen)
    for method in methods:
        assert call(client, method, url).status_code == 403, method


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_partner_admin_and_other_staff_get_403(client, url_for, ruth, tom, name, scope, methods):
    url = url_for(name, scope)
    for user in (ruth, tom, StaffFactory(is_superuser=True)):
        client.force_login(user)
        for method in methods:
            assert call(client, method, url).status_code == 403, (user, method)


@pytest.mark.parametrize(("name", "scope", "methods"), SCOPED, ids=SCOPED_IDS)
def test_another_members_things_are_404(
    client, url_for, maria, maria_membership, aisha, name, scope, methods
):
    """Maria is in Sam's group, Aisha in another; neither reaches Sam's things, even
    signed in just now."""
    url = url_for(name, scope)
    for outsider in (maria, aisha):
        client.logout()
        sign_in(client, outsider)
        for method in methods:
            assert call(client, method, url).status_code == 404, (outsider, method)


def test_another_members_things_are_left_alone(
    client, url_for, sams_things, maria, maria_membership
):
    sign_in(client, maria)
    client.post(
        url_for("consent:my_contribution_visibility", "contribution"), {"visibility": "group"}
    )
    client.post(url_for("consent:my_erase_withdraw", "erasure"))
    sams_things["contribution"].refresh_from_db()
    sams_things["erasure"].refresh_from_db()
    assert sams_things["contribution"].visibility == "only_me"
    assert sams_things["erasure"].status == "requested"
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize(("name", "scope", "methods"), PAGES, ids=IDS)
def test_the_wrong_method_is_refused(client, url_for, sam, name, scope, methods):
    url = url_for(name, scope)
    sign_in(client, sam)
    for method in {GET, POST, "put", "delete", "patch"} - methods:
        assert call(client, method, url).status_code == 405, method
    # A refused method leaves her signed in (it never reached the fresh sign-in check).
    assert int(client.session["_auth_user_id"]) == sam.pk


def test_the_wrong_method_on_a_stale_session_is_still_405(client, url_for, sam, sam_membership):
    client.force_login(sam)
    for name in ("consent:my_data_download_request", "consent:my_data_erase"):
        assert client.put(reverse(name)).status_code == 405
    assert int(client.session["_auth_user_id"]) == sam.pk


def test_an_unknown_id_is_404(client, sam, sam_membership):
    sign_in(client, sam)
    for name, kwargs in [
        ("consent:my_contribution_visibility", {"contribution_id": 999999}),
        ("consent:my_erase_withdraw", {"request_id": 999999}),
        ("consent:my_choice_set", {"slug": "no-such-purpose"}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert client.get(reverse("consent:my_data_download", args=[999999])).status_code == 404
