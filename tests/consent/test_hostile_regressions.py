"""Hostile addresses that once gave a server error on the consent admin pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from tests.factories import StaffFactory


@pytest.fixture
def operator(db):
    return StaffFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("object_id", ["abc", "1.5", "-", "9" * 30])
@pytest.mark.parametrize("who", ["ruth", "operator"])
def test_contact_shared_with_charity_with_an_id_that_is_not_one(
    client, request, ruth, operator, who, object_id
):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(who))
    url = f"/admin/consent/contactsharedwithcharity/{object_id}/change/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert not AuditEvent.objects.filter(action="contact.charity_view").exists()
