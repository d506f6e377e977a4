"""The short summaries staff pages show about a member: how to reach her safely, her
status, her training. Short, safe (never her number or address), and plain."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from groups.access import staff_access
from groups.models import (
    AgreementResponse,
    CoproGroup,
    Membership,
    SafeContactProfile,
    SupportContact,
    Training,
    preferred_name,
)
from groups.staff_summaries import (
    GroupSummary,
    confirming_check,
    link_maker,
    roster_rows,
    staff_home,
    staff_rows,
    strongest_role,
)
from groups.summaries import (
    SHE_WILL_GET_IN_TOUCH,
    contact_summary,
    contact_terms,
    status_text,
    training_warning,
)
from groups.training_grid import TrainingCell, best_records, missing_kinds, training_grid
from tests.factories import MembershipFactory, UserFactory
from tests.groups.staff_data import give_sam_her_details, published, train


def profile(**fields) -> SafeContactProfile:
    return SafeContactProfile(**fields)


def test_no_profile_or_no_channel_means_she_will_get_in_touch():
    assert contact_summary(None) == SHE_WILL_GET_IN_TOUCH == "She will get in touch"
    assert contact_summary(profile(channels=[], safe_days=[1, 2])) == SHE_WILL_GET_IN_TOUCH


def test_sams_summary():
    sam = profile(
        channels=["sms"],
        phone="07700 900123",
        safe_days=[3, 1, 2],
        safe_from=dt.time(10, 0),
        safe_until=dt.time(14, 0),
        sender_name="Jo",
    )
    summary = contact_summary(sam)
    assert summary == "Text message · Tue, Wed, Thu · 10:00–14:00"
    assert "07700" not in summary and "Jo" not in summary


def test_several_channels_in_her_order():
    both = profile(channels=["email", "call"], safe_days=[0], safe_from=dt.time(9, 30))
    assert contact_summary(both) == "Email, Phone call · Mon · 09:30–16:00"


def test_through_her_support_worker_needs_no_window():
    assert contact_summary(profile(channels=["support_worker"])) == "Through her support worker"


def test_a_channel_without_safe_days_says_so():
    assert contact_summary(profile(channels=["sms"])) == "Text message · no safe days given yet"


def test_status_text():
    membership = Membership(status=Membership.Status.ACTIVE)
    assert status_text(membership) == "Active"
    membership.status = Membership.Status.STEPPED_BACK
    assert status_text(membership) == "Stepped back"
    membership.stepped_back_until = dt.date(2027, 1, 4)
    assert status_text(membership) == "Stepped back until 4 January 2027"
    membership.status = Membership.Status.LEFT
    assert status_text(membership) == "Left"


def test_contact_terms():
    assert contact_terms(SupportContact(contact_if_i_ask=True)) == "if she asks"
    assert (
        contact_terms(SupportContact(contact_if_i_ask=True, contact_if_worried=True))
        == "if she asks and if worried"
    )
    assert contact_terms(SupportContact(contact_if_i_ask=False, contact_if_worried=True)) == (
        "if worried"
    )
    assert contact_terms(SupportContact(contact_if_i_ask=False)) == "not for now"


def test_training_warning_names_what_is_missing_in_a_fixed_order():
    group = CoproGroup(training_policy=CoproGroup.TrainingPolicy.WARN)
    assert training_warning(set(), group) == ""
    assert (
        training_warning({"facilitation", "safeguarding"}, group)
        == "Training not current: Safeguarding adults and children, "
        "Facilitation and power dynamics"
    )
    group.training_policy = CoproGroup.TrainingPolicy.BLOCK
    assert training_warning({"safeguarding"}, group).endswith(
        "cannot facilitate sessions until training is current"
    )


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_needs_confirming():
    needs_confirming = confirming_check()
    now = timezone.now()
    assert needs_confirming(None, None)
    assert not needs_confirming(now, 90)
    assert not needs_confirming(now - dt.timedelta(days=89), 90)
    assert needs_confirming(now - dt.timedelta(days=90), 90)


@pytest.mark.django_db
def test_preferred_name_falls_back_to_her_first_name():
    user = UserFactory(first_name="Precious")
    assert preferred_name(user) == "Precious"
    user.first_name = ""
    assert preferred_name(user) == "A member"


# --- the staff pages' rows and counts, built from values() ----------------------------


@pytest.mark.django_db
def test_link_maker_makes_the_same_link_as_reverse():
    link = link_maker("groups:member_detail", 12)
    assert link(345) == reverse("groups:member_detail", args=[12, 345])
    assert link(7) == reverse("groups:member_detail", args=[12, 7])


def test_follow_ups_count_in_plain_words():
    group = CoproGroup(name="Riverside")
    one = GroupSummary(group=group, role="facilitator", to_confirm=1, facilitators_not_ready=1)
    assert one.follow_ups == [
        "Safe-contact details to confirm: 1 member.",
        "No group agreement is published yet.",
        "Training not current: 1 facilitator.",
    ]
    many = GroupSummary(
        group=group, role="support_worker", has_agreement=True, to_confirm=2, not_answered=3
    )
    assert many.follow_ups == [
        "Safe-contact details to confirm: 2 members.",
        "Not yet answered the current group agreement: 3 members.",
    ]
    assert GroupSummary(group=group, role="support_worker").follow_ups == []


def test_staff_home_counts_what_each_role_follows_up(helen_fac, dee, sam_membership, maria):
    group = helen_fac.group
    published(group)
    give_sam_her_details(sam_membership.user)
    MembershipFactory(user=maria, group=group, status=Membership.Status.STEPPED_BACK)
    helen_home = staff_home(helen_fac.user)
    [summary] = helen_home.summaries
    assert (summary.active, summary.stepped_back, summary.not_answered) == (1, 1, 1)
    assert summary.facilitators_not_ready == 1  # Helen has no training on record
    assert len(helen_home.my_missing) == 3
    [dees] = staff_home(dee).summaries
    assert not dees.is_facilitator
    assert (dees.active, dees.stepped_back) == (1, 0)  # only Sam, whom she supports


def test_strongest_role_wins():
    assert strongest_role({"support_worker", "facilitator"}) == "facilitator"


def test_roster_rows_show_what_the_roster_shows_and_nothing_more(
    helen_fac, dee, sam_membership, maria
):
    group = helen_fac.group
    version = published(group)
    give_sam_her_details(sam_membership.user)
    AgreementResponse.objects.create(version=version, member=sam_membership.user, agrees=True)
    left = MembershipFactory(user=maria, group=group, status=Membership.Status.LEFT)
    MembershipFactory(
        user=UserFactory(username="invited"), group=group, status=Membership.Status.INVITED
    )
    access = staff_access(helen_fac.user, group.pk)
    sam_row, maria_row = roster_rows(access, version)
    assert sam_row.name == "Sam"
    assert sam_row.url == reverse("groups:member_detail", args=[group.pk, sam_membership.pk])
    assert sam_row.contact == "Text message · Tue, Wed, Thu · 10:00–14:00"
    assert "07700" not in str(vars(sam_row))
    assert sam_row.support_worker == "Dee Okafor"
    assert sam_row.agreement == "Agreed to version 1"
    assert sam_row.access_needs == ["Step-free access", "Large print"]
    assert sam_row["name"] == "Sam"  # templates look keys up first
    assert maria_row.url.endswith(f"/{left.pk}/")
    assert maria_row.contact == "Not to be contacted: she has left the group"
    assert not maria_row.contact_to_confirm
    assert maria_row.agreement == "Not answered yet"
    assert roster_rows(staff_access(dee, group.pk), None)[0].agreement == (
        "No agreement published yet"
    )


def test_staff_rows_put_facilitators_first_with_their_training(helen_fac, dee):
    rows = staff_rows(helen_fac.group)
    assert [(r.name, r.role, r.is_facilitator) for r in rows] == [
        ("Helen Ward", "Facilitator", True),
        ("Dee Okafor", "Support worker", False),
    ]
    assert rows[0].warning.startswith("Training not current")
    assert rows[1].warning == ""


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_best_record_is_the_current_one_lasting_longest_else_the_latest_expired(db):
    today = dt.date(2026, 6, 1)

    def record(completed, expires):
        return Training(
            person_id=1, kind="safeguarding", completed_on=completed, expires_on=expires
        )

    lapsed = record(dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    lapsed_later = record(dt.date(2024, 6, 1), dt.date(2025, 6, 1))
    short = record(dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    long = record(dt.date(2025, 1, 1), dt.date(2027, 12, 1))
    assert best_records([lapsed, lapsed_later], today)[(1, "safeguarding")] == (lapsed_later, False)
    assert best_records([short, lapsed, long], today)[(1, "safeguarding")] == (long, True)
    assert missing_kinds([long], 1, today) == [
        "Trauma-informed practice",
        "Facilitation and power dynamics",
    ]


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_training_grid_rows_and_cells(helen_fac, dee):
    train(helen_fac.user, completed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1))
    train(dee, "safeguarding", completed_on=dt.date(2024, 1, 1), expires_on=dt.date(2025, 1, 1))
    helen_row, dee_row = training_grid(helen_fac.group)
    assert (helen_row.name, helen_row.roles, helen_row.warning) == (
        "Helen Ward",
        ["Facilitator"],
        "",
    )
    assert all(cell.current for cell in helen_row.cells)
    assert helen_row.cells[0].text == "Current until 1 Jan 2027"
    assert not dee_row.is_facilitator
    texts = [cell.text for cell in dee_row.cells]
    assert texts == ["No record", "Expired 1 Jan 2025", "No record"]
    assert TrainingCell(label="x").text == "No record"
