"""Hostile values that once gave a server error on the groups pages, each answered as a
refusal she can read (the hypothesis test in tests/core/test_hostile_input.py finds them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduction.outbox.channels import Channel
from groups.models import SafeContactProfile


def contact_form(time_zone: str) -> dict:
    return {
        "channels": [Channel.SMS],
        "phone": "07700 900123",
        "safe_days": ["1", "2", "3"],
        "safe_from": "10:00",
        "safe_until": "14:00",
        "time_zone": time_zone,
    }


@pytest.fixture
def member_client(client, sam, sam_membership):
    client.raise_request_exception = False
    client.force_login(sam)
    return client


# A directory of zones, the zone data's own files and names that are not zones at all.
@pytest.mark.parametrize(
    "zone", ["America", "Europe", "Etc", "tzdata.zi", "zone1970.tab", "", "Europe/", " "]
)
def test_contact_refuses_a_zone_that_is_not_one_in_plain_words(member_client, sam, zone):
    response = member_client.post(reverse("groups:my_contact"), contact_form(zone))
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert "Open it again, then save." in response.content.decode()
    assert not SafeContactProfile.objects.filter(member=sam).exists()


def test_contact_keeps_a_real_zone(member_client, sam):
    response = member_client.post(reverse("groups:my_contact"), contact_form("America/New_York"))
    assert response.status_code == 302
    assert SafeContactProfile.objects.get(member=sam).time_zone == "America/New_York"
