"""What the authorization matrix (tests/test_authorization_matrix.py) cannot say about
the consent pages of the member portal: that another member's attempt leaves Sam's
things as they were, that a refused method leaves her signed in, and that an id that
does not exist is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import services
from consent.models import Contribution
from tests.consent.conftest import sign_in


@pytest.fixture
def sams_things(sam, sam_membership, tuesday_group):
    """Sam's contribution and her request to erase her data, each with its own URL."""
    contribution = services.contribution_add(
        member=sam, group=tuesday_group, text="Mine", kind="idea", acting_user=sam
    )
    erasure = services.erasure_request(member=sam, acting_user=sam)
    return {"contribution": contribution, "erasure": erasure}


def test_another_members_things_are_left_alone(client, sams_things, maria, maria_membership):
    sign_in(client, maria)
    client.post(
        reverse("consent:my_contribution_visibility", args=[sams_things["contribution"].pk]),
        {"visibility": "group"},
    )
    client.post(reverse("consent:my_erase_withdraw", args=[sams_things["erasure"].pk]))
    sams_things["contribution"].refresh_from_db()
    sams_things["erasure"].refresh_from_db()
    assert sams_things["contribution"].visibility == "only_me"
    assert sams_things["erasure"].status == "requested"
    assert Contribution.objects.count() == 1


def test_the_wrong_method_on_a_stale_session_is_still_405(client, sam, sam_membership):
    """Refused before the freshness check, which would have signed her out."""
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
