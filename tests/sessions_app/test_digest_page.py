"""Her reminders page: a member of staff chooses an email for each kind of thing or one
a day at her time. It works; members are refused; the wrong method is refused; bad
input gets a clear message; a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduction.outbox.models import Message
from groups.models import Membership
from sessions_app.models import StaffReminderChoice, SupportRequest
from tests.factories import UserFactory
from tests.groups import conftest as groups_fixtures

pytestmark = pytest.mark.django_db

ruth = groups_fixtures.ruth

URL = reverse("sessions_app:my_reminders")


@pytest.fixture
def helen_client(client, helen, helen_fac):
    client.force_login(helen)
    return client


def test_she_sees_the_defaults_and_chooses_a_daily_email(helen_client, helen):
    response = helen_client.get(URL)
    page = response.content.decode()
    assert "Your reminders" in page and "They never name a member." in page
    form = response.context["form"]
    assert (form["how"].value(), form["digest_at"].value()) == ("single", dt.time(9, 0))
    assert 'value="09:00"' in page
    response = helen_client.post(URL, {"how": "digest", "digest_at": "07:45"})
    assert response.status_code == 302 and response["Location"] == URL
    choice = StaffReminderChoice.objects.get(staff=helen)
    assert (choice.how, choice.digest_at) == ("digest", dt.time(7, 45))
    page = helen_client.get(URL).content.decode()
    assert "Saved. Your reminders will come this way from now on." in page
    assert 'value="07:45"' in page


def test_going_back_to_single_emails_keeps_her_time(helen_client, helen):
    helen_client.post(URL, {"how": "digest", "digest_at": "07:45"})
    helen_client.post(URL, {"how": "single", "digest_at": ""})
    choice = StaffReminderChoice.objects.get(staff=helen)
    assert (choice.how, choice.digest_at) == ("single", dt.time(7, 45))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"how": "digest", "digest_at": ""}, "Please give a time for the daily email, like 09:00."),
        ({"how": "digest", "digest_at": "25:99"}, "Please give a time, like 09:00."),
        ({"how": "weekly", "digest_at": "09:00"}, "Please choose one."),
        ({}, "Please choose one."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(helen_client, helen, data, words):
    response = helen_client.post(URL, data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not StaffReminderChoice.objects.filter(staff=helen).exists()


def test_members_are_refused_and_strangers_sent_to_sign_in(client, sam, sam_membership):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    client.force_login(sam)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"how": "digest", "digest_at": "09:00"}).status_code == 403
    assert not StaffReminderChoice.objects.exists()


def test_staff_in_no_group_have_the_page_too(client, ruth):
    client.force_login(ruth)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_wrong_method_is_refused(helen_client, method):
    assert getattr(helen_client, method)(URL).status_code == 405


@pytest.mark.parametrize("count", [5, 500])
def test_the_page_costs_the_same_whatever_the_data(
    helen_client, helen, tuesday_group, count, django_assert_max_num_queries
):
    members = UserFactory.create_batch(min(count, 50))
    Membership.objects.bulk_create(
        Membership(user=m, group=tuesday_group, role="member", status="active") for m in members
    )
    SupportRequest.objects.bulk_create(SupportRequest(member=m, source="button") for m in members)
    Message.objects.bulk_create(
        Message(recipient=helen, kind="staff_reminder", channel="email", body="", key=f"k{i}")
        for i in range(count)
    )
    helen_client.post(URL, {"how": "digest", "digest_at": "08:00"})
    with django_assert_max_num_queries(6):
        assert helen_client.get(URL).status_code == 200
    with django_assert_max_num_queries(10):
        assert helen_client.post(URL, {"how": "single", "digest_at": "08:00"}).status_code == 302
