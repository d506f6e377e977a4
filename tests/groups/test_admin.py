"""Partner admins see their organisations' groups, staff and training, never members' data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from groups.models import Membership, SafeContactProfile, SupportPlan, Training
from tests.factories import (
    CoproGroupFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """Two organisations, each with a group, a facilitator, a member and a partner admin."""
    charity = OrganisationFactory(name="Riverside Women's Centre")
    university = OrganisationFactory(name="University of Westbury", kind="university")
    tuesday = CoproGroupFactory(name="Riverside group")
    tuesday.organisations.add(charity)
    thursday = CoproGroupFactory(name="Westbury group")
    thursday.organisations.add(university)
    helen = StaffFactory(username="helen", first_name="Helen")
    tom = StaffFactory(username="tom", first_name="Tom")
    MembershipFactory(user=helen, group=tuesday, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=tom, group=thursday, role=Membership.Role.FACILITATOR)
    sam = UserFactory(username="sam", email="sam@example.org")
    MembershipFactory(user=sam, group=tuesday)
    SupportPlan.objects.create(member=sam, what_helps="Quiet corner")
    SafeContactProfile.objects.create(member=sam, channels=["sms"], phone="07700 900123")
    ruth = StaffFactory(username="ruth", is_staff=True)
    charity.partner_admins.add(ruth)
    neil = StaffFactory(username="neil", is_staff=True)
    university.partner_admins.add(neil)
    Training.objects.create(person=helen, kind="safeguarding", completed_on=dt.date(2026, 1, 1))
    Training.objects.create(person=tom, kind="safeguarding", completed_on=dt.date(2026, 1, 1))
    return {
        "charity": charity, "tuesday": tuesday, "thursday": thursday, "helen": helen,
        "tom": tom, "sam": sam, "ruth": ruth, "neil": neil,
    }  # fmt: skip


def test_members_private_models_are_not_in_the_admin_at_all():
    registered = {model.__name__ for model in admin.site._registry}
    for private in ("SupportPlan", "SafeContactProfile", "SupportContact", "Profile", "Invitation"):
        assert private not in registered


def test_partner_admin_sees_only_her_organisations_groups(client, world):
    client.force_login(world["ruth"])
    page = client.get(reverse("admin:groups_coprogroup_changelist")).content.decode()
    assert "Riverside group" in page
    assert "Westbury group" not in page
    other = reverse("admin:groups_coprogroup_change", args=[world["thursday"].pk])
    assert client.get(other).status_code in (302, 403, 404)


def test_group_page_shows_roles_and_counts_but_no_contact_details(client, world):
    client.force_login(world["ruth"])
    page = client.get(
        reverse("admin:groups_coprogroup_change", args=[world["tuesday"].pk])
    ).content.decode()
    assert "sam@example.org" not in page
    assert "07700" not in page
    assert "Quiet corner" not in page
    listing = client.get(reverse("admin:groups_coprogroup_changelist")).content.decode()
    assert 'class="field-active_members">1<' in listing


def test_partner_admin_cannot_change_groups(client, world):
    client.force_login(world["ruth"])
    url = reverse("admin:groups_coprogroup_change", args=[world["tuesday"].pk])
    client.post(url, {"name": "Renamed", "member_facing_name": "x", "training_policy": "warn"})
    world["tuesday"].refresh_from_db()
    assert world["tuesday"].name == "Riverside group"


def test_partner_admin_keeps_her_staffs_training_records(client, world):
    client.force_login(world["ruth"])
    listing = client.get(reverse("admin:groups_training_changelist")).content.decode()
    assert "helen" in listing and "tom" not in listing
    response = client.post(
        reverse("admin:groups_training_add"),
        {"person": world["helen"].pk, "kind": "facilitation", "completed_on": "2026-02-01"},
    )
    assert response.status_code == 302
    record = Training.objects.get(kind="facilitation")
    assert record.recorded_by == world["ruth"]
    response = client.post(
        reverse("admin:groups_training_add"),
        {"person": world["tom"].pk, "kind": "facilitation", "completed_on": "2026-02-01"},
    )
    assert response.status_code == 200  # tom is not hers to choose
    assert not Training.objects.filter(person=world["tom"], kind="facilitation").exists()


def test_partner_admin_of_the_other_organisation_sees_the_other_side(client, world):
    client.force_login(world["neil"])
    listing = client.get(reverse("admin:groups_training_changelist")).content.decode()
    assert "tom" in listing and "helen" not in listing


def test_staff_who_are_not_partner_admins_see_no_group_admin(client, world):
    clerk = StaffFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:groups_coprogroup_changelist")).status_code == 403


def test_members_cannot_reach_the_admin(client, world):
    client.force_login(world["sam"])
    assert client.get(reverse("admin:index")).status_code in (302, 403)


def test_superuser_sees_everything(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1234")
    client.force_login(root)
    listing = client.get(reverse("admin:groups_coprogroup_changelist")).content.decode()
    assert "Riverside group" in listing and "Westbury group" in listing
