"""What the authorization matrix (tests/test_authorization_matrix.py) cannot say about
the groups pages of the member portal: a group id that does not exist, what the leave
page tells a member who has left, and a member who is staff in another group."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import MembershipFactory


def test_a_group_she_never_joined_is_404_even_if_it_exists(
    client, sam, sam_membership, thursday_group
):
    client.force_login(sam)
    for name in ("groups:my_step_back", "groups:my_leave", "groups:my_agreement"):
        assert client.get(reverse(name, kwargs={"group_id": thursday_group.pk})).status_code == 404
    assert (
        client.get(reverse("groups:my_agreement", kwargs={"group_id": 999999})).status_code == 404
    )


def test_the_leave_page_tells_a_member_who_has_left_so(client, sam, sam_membership):
    """The one group page she still gets once she has left (the matrix has its status
    codes, for Kerry)."""
    sam_membership.status = "left"
    sam_membership.save()
    client.force_login(sam)
    response = client.get(reverse("groups:my_leave", kwargs={"group_id": sam_membership.group_id}))
    assert response.status_code == 200
    assert "You have left this group." in response.content.decode()


def test_a_members_staff_role_elsewhere_does_not_open_member_pages_there(
    client, sam, sam_membership, thursday_group
):
    """Sam co-facilitates in the Thursday group: her member pages are only for the group
    she is a member of."""
    MembershipFactory(user=sam, group=thursday_group, role="facilitator")
    client.force_login(sam)
    url = reverse("groups:my_agreement", kwargs={"group_id": thursday_group.pk})
    assert client.get(url).status_code == 404
