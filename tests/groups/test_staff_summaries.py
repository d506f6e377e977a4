"""The short summaries staff pages show about a member: how to reach her safely, her
status, her training. Short, safe (never her number or address), and plain."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from groups.models import CoproGroup, Membership, SafeContactProfile, SupportContact, preferred_name
from groups.summaries import (
    SHE_WILL_GET_IN_TOUCH,
    contact_summary,
    contact_terms,
    needs_confirming,
    status_text,
    training_warning,
)
from tests.factories import UserFactory


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
