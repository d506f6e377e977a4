"""Admin pages that once answered a server error to a hostile value (found by
tests/core/test_hostile_input.py), each now a refusal the operator can read."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.factories import StaffFactory, UserFactory

HUGE = "9" * 40


@pytest.fixture
def operator_client(client, db):
    client.raise_request_exception = False
    client.force_login(StaffFactory(username="operator", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "address",
    [
        f"/admin/audit/auditevent/?at__year={HUGE}",
        f"/admin/audit/auditevent/?at__year=2026&at__month={HUGE}",
        f"/admin/django_celery_beat/periodictask/?start_time__year={HUGE}",
    ],
)
def test_a_date_hierarchy_year_too_big_for_a_date_is_a_bad_filter(operator_client, address):
    response = operator_client.get(address)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


CRONTAB = {
    "minute": "0",
    "hour": "6",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "UTC",
    "periodictask_set-TOTAL_FORMS": "0",
    "periodictask_set-INITIAL_FORMS": "0",
}


@pytest.mark.parametrize("field", ["minute", "hour", "day_of_week"])
@pytest.mark.parametrize("value", ["-1", HUGE, "twelve"])
def test_a_crontab_celery_cannot_parse_is_refused_on_the_form(operator_client, field, value):
    response = operator_client.post(
        "/admin/django_celery_beat/crontabschedule/add/", {**CRONTAB, field: value}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not CrontabSchedule.objects.exists()


def test_a_good_crontab_is_saved(operator_client):
    response = operator_client.post("/admin/django_celery_beat/crontabschedule/add/", CRONTAB)
    assert response.status_code == 302
    assert CrontabSchedule.objects.get().hour == "6"


def test_a_task_name_longer_than_its_column_is_that_fields_error(operator_client):
    response = operator_client.post(
        "/admin/django_celery_beat/periodictask/add/",
        {"name": "Nightly", "task": "x" * 201, "enabled": "on", "args": "[]", "kwargs": "{}"},
    )
    assert response.status_code == 200
    assert "task" in response.context["adminform"].form.errors
    assert not PeriodicTask.objects.filter(name="Nightly").exists()


def test_an_authenticator_is_never_written_by_hand(operator_client):
    member = UserFactory(username="sam")
    authenticator = Authenticator.objects.create(
        user=member, type=Authenticator.Type.TOTP, data={"secret": "kept"}
    )
    url = f"/admin/mfa/authenticator/{authenticator.pk}/change/"
    assert operator_client.get(url).status_code == 200
    response = operator_client.post(url, {"user": member.pk, "type": "totp", "data": HUGE})
    assert response.status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.data == {"secret": "kept"}
    assert operator_client.get("/admin/mfa/authenticator/add/").status_code == 403
