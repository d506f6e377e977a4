"""A NUL character in an address can never reach PostgreSQL: the request is refused
with the plain 400 page. A NUL typed into a form is that field's error instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import StaffFactory, UserFactory

NUL_ADDRESSES = [
    "/admin/groups/training/?kind=%00",
    "/admin/groups/training/?q=a%00b",
    "/admin/groups/training/?k%00ind=safeguarding",
    "/admin/groups/training/?kind=ok&kind=%00",
    "/admin/groups/training/%00/change/",
    "/accounts/login/?next=/my/%00",
]


@pytest.fixture
def operator_client(client, db):
    client.raise_request_exception = False
    client.force_login(StaffFactory(username="operator", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("address", NUL_ADDRESSES)
@pytest.mark.parametrize("debug", [False, True])
def test_a_nul_in_the_address_is_a_plain_400(operator_client, settings, address, debug):
    settings.DEBUG = debug
    response = operator_client.get(address)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Traceback" not in page and "NUL" not in page
    assert "no-store" in response["Cache-Control"]


def test_a_nul_in_a_post_address_is_refused_too(operator_client):
    assert operator_client.post("/admin/groups/training/add/?x=%00", {}).status_code == 400


def test_an_address_without_nul_is_untouched(operator_client):
    assert operator_client.get("/admin/groups/training/?kind=safeguarding").status_code == 200


def test_a_nul_typed_into_a_form_is_shown_on_the_field(client, db):
    """Her words stay on the page with the field's own message, not a lost page."""
    client.force_login(UserFactory(username="sam"))
    response = client.post(reverse("groups:my_details"), {"preferred_name": "Sam\x00"})
    assert response.status_code == 200
    assert "preferred_name" in response.context["form"].errors
