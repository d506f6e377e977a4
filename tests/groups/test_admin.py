"""Partner admins see their organisations' groups, staff and training, never members' data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from coproduction.audit.models import AuditEvent
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
    helen = StaffFactory(username="helen", first_name="Helen", last_name="Ward")
    tom = StaffFactory(username="tom", first_name="Tom", last_name="Reid")
    MembershipFactory(user=helen, group=tuesday, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=tom, group=thursday, role=Membership.Role.FACILITATOR)
    sam = UserFactory(username="sam", email="sam@example.org")
    MembershipFactory(user=sam, group=tuesday)
    SupportPlan.objects.create(member=sam, what_helps="Quiet corner")
    SafeContactProfile.objects.create(member=sam, channels=["sms"], phone="07700 900123")
    ruth = StaffFactory(username="ruth", first_name="Ruth", last_name="Patel", is_staff=True)
    charity.partner_admins.add(ruth)
    neil = StaffFactory(username="neil", first_name="Neil", last_name="Fraser", is_staff=True)
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
    assert "Helen Ward" in listing and "Tom Reid" not in listing
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


def test_admin_training_goes_through_the_service_checks_and_audit(client, world):
    client.force_login(world["ruth"])
    add = reverse("admin:groups_training_add")
    response = client.post(
        add,
        {
            "person": world["helen"].pk,
            "kind": "facilitation",
            "completed_on": "2026-02-01",
            "expires_on": "2026-01-01",
        },
    )
    assert response.status_code == 200  # a form error, not a 500
    assert "The expiry date must be after the date it was completed." in response.content.decode()
    response = client.post(
        add, {"person": world["helen"].pk, "kind": "facilitation", "completed_on": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "The completion date cannot be in the future." in response.content.decode()
    assert not Training.objects.filter(kind="facilitation").exists()
    client.post(
        add, {"person": world["helen"].pk, "kind": "facilitation", "completed_on": "2026-02-01"}
    )
    record = Training.objects.get(kind="facilitation")
    assert AuditEvent.objects.filter(action="training.record", actor=world["ruth"]).count() == 1
    change = reverse("admin:groups_training_change", args=[record.pk])
    fields = {"person": world["helen"].pk, "kind": "facilitation", "completed_on": "2026-02-01"}
    assert client.post(change, {**fields, "expires_on": "2028-02-01"}).status_code == 302
    assert client.post(change, {**fields, "expires_on": "2028-02-01"}).status_code == 302
    record.refresh_from_db()
    assert record.expires_on == dt.date(2028, 2, 1) and record.recorded_by == world["ruth"]
    assert AuditEvent.objects.filter(action="training.admin_save").count() == 1


def test_partner_admin_of_the_other_organisation_sees_the_other_side(client, world):
    client.force_login(world["neil"])
    listing = client.get(reverse("admin:groups_training_changelist")).content.decode()
    assert "Tom Reid" in listing and "Helen Ward" not in listing


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


# --- Ruth's pages name her organisation's staff --------------------------------------


def test_training_records_are_listed_by_persons_name(client, world):
    client.force_login(world["ruth"])
    listing = client.get(reverse("admin:groups_training_changelist")).content.decode()
    assert ">Helen Ward</a></th>" in listing
    assert ">helen<" not in listing


def test_training_form_offers_her_staff_by_name(client, world):
    client.force_login(world["ruth"])
    form = client.get(reverse("admin:groups_training_add")).content.decode()
    assert f'<option value="{world["helen"].pk}">Helen Ward</option>' in form
    assert "Tom Reid" not in form


def test_training_can_be_seen_one_person_at_a_time(client, world):
    Training.objects.create(
        person=world["helen"], kind="facilitation", completed_on=dt.date(2026, 2, 1)
    )
    amira = StaffFactory(username="amira", first_name="Amira", last_name="Khan")
    MembershipFactory(user=amira, group=world["tuesday"], role=Membership.Role.FACILITATOR)
    Training.objects.create(person=amira, kind="safeguarding", completed_on=dt.date(2026, 1, 1))
    client.force_login(world["ruth"])
    url = reverse("admin:groups_training_changelist")
    listing = client.get(url).content.decode()
    assert f'href="?person={amira.pk}"' in listing and "Amira Khan" in listing
    assert f'href="?person={world["tom"].pk}"' not in listing
    helens = client.get(url, {"person": world["helen"].pk}).context["cl"].result_list
    assert {record.person for record in helens} == {world["helen"]} and len(helens) == 2


def test_person_filter_reveals_nobody_outside_her_organisation(client, world):
    client.force_login(world["ruth"])
    url = reverse("admin:groups_training_changelist")
    # A NUL never reaches the filter: the address is refused whole (RefuseNulMiddleware).
    assert client.get(url, {"person": "\x00"}).status_code == 400
    for value in (world["tom"].pk, "abc"):
        response = client.get(url, {"person": value})
        assert response.status_code == 200
        people = {record.person for record in response.context["cl"].result_list}
        assert people == {world["helen"]}


def test_organisation_page_names_the_staff_of_its_groups(client, world):
    client.force_login(world["ruth"])
    page = client.get(
        reverse("admin:groups_organisation_change", args=[world["charity"].pk])
    ).content.decode()
    assert "Helen Ward – Facilitator, Riverside group" in page
    assert "Tom Reid" not in page
    listing = client.get(reverse("admin:groups_organisation_changelist")).content.decode()
    assert 'class="field-staff_names">Helen Ward<' in listing


def test_group_page_names_people_and_links_to_no_page_she_cannot_open(client, world):
    dee = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=dee, group=world["tuesday"], role=Membership.Role.SUPPORT_WORKER)
    Membership.objects.filter(user=world["sam"]).update(support_worker=dee)
    client.force_login(world["ruth"])
    url = reverse("admin:groups_coprogroup_change", args=[world["tuesday"].pk])
    page = client.get(url).content.decode()
    assert "Helen Ward" in page and "Dee Okafor" in page
    assert "/admin/accounts/user/" not in page
    shown = {
        form.original.user
        for formset in client.get(url).context["inline_admin_formsets"]
        for form in formset
    }
    assert shown == {world["helen"], dee}  # staff by name; members are only counted
    world["tuesday"].safeguarding_lead = world["helen"]
    world["tuesday"].save()
    page = client.get(url).content.decode()
    assert "/admin/accounts/user/" not in page
    assert '<div class="readonly">Helen Ward</div>' in page


# --- lapsed training is flagged ------------------------------------------------------


def lapse(person, kind="safeguarding"):
    return Training.objects.create(
        person=person, kind=kind, completed_on=dt.date(2024, 1, 1), expires_on=dt.date(2025, 1, 1)
    )


def test_lapsed_training_is_flagged_and_can_be_filtered(client, world):
    lapsed = lapse(world["helen"], kind="trauma_informed")
    lapse(world["helen"])  # renewed since: the record of 2026-01-01 has no end
    client.force_login(world["ruth"])
    url = reverse("admin:groups_training_changelist")
    listing = client.get(url).content.decode()
    assert "Lapsed on 1 Jan 2025" in listing
    assert "Ran out 1 Jan 2025; renewed since" in listing
    only_lapsed = client.get(url, {"lapsed": "yes"}).context["cl"].result_list
    assert list(only_lapsed) == [lapsed]
    current = client.get(url, {"lapsed": "no"}).context["cl"].result_list
    assert lapsed not in current and len(current) == 2
    assert client.get(url, {"lapsed": "nonsense"}).status_code == 200
    assert client.get(url, {"lapsed": "\x00"}).status_code == 400


def test_group_list_flags_a_safeguarding_lead_whose_training_lapsed(client, world):
    amira = StaffFactory(username="amira", first_name="Amira", last_name="Khan")
    MembershipFactory(user=amira, group=world["tuesday"], role=Membership.Role.FACILITATOR)
    world["tuesday"].safeguarding_lead = amira
    world["tuesday"].save()
    lapse(amira)
    client.force_login(world["ruth"])
    url = reverse("admin:groups_coprogroup_changelist")
    listing = client.get(url).content.decode()
    assert "Amira Khan – safeguarding training lapsed" in listing
    world["tuesday"].safeguarding_lead = world["helen"]
    world["tuesday"].save()
    listing = client.get(url).content.decode()
    assert 'class="field-safeguarding">Helen Ward<' in listing


# --- the admin's own pages, mended for WCAG 2.2 AA -----------------------------------


def test_every_admin_page_loads_hearths_admin_stylesheet_and_no_inline_style(client, world):
    client.force_login(world["ruth"])
    page = client.get(reverse("admin:index")).content.decode()
    assert "/static/css/admin.css" in page and "/static/js/admin.js" in page
    assert "<style" not in page


def test_date_and_time_boxes_have_their_own_labels(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1234")
    client.force_login(root)
    form = client.get(reverse("admin:groups_coprogroup_add")).content.decode()
    assert '<label for="id_created_at_0">Date:</label>' in form
    assert '<label for="id_created_at_1">Time:</label>' in form
