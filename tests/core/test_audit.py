"""The audit trail is append-only: in the database, and in the admin."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from coproduction.audit.services import audit_record
from groups.models import SupportPlan


@pytest.fixture
def event(sam, helen):
    plan = SupportPlan.objects.create(member=sam, what_helps="Quiet room")
    return audit_record(actor=helen, action="support_plan.view", subject=plan, subject_user=sam)


def test_records_who_did_what_to_whose_data_and_nothing_else(event, sam, helen):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == helen
    assert stored.subject_user == sam
    assert stored.action == "support_plan.view"
    assert stored.subject_type == "groups.supportplan"
    values = " ".join(
        str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().first().values()
    )
    assert "Quiet room" not in values


def test_anonymous_actor_is_recorded_as_none(sam):
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(actor=AnonymousUser(), action="account.exit", subject_user=sam)
    assert event.actor is None


def test_database_refuses_an_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    assert AuditEvent.objects.get(pk=event.pk).action == "support_plan.view"


def test_database_refuses_a_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_raw_sql_too(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_saving_an_existing_row_again_is_refused(event):
    event.action = "edited"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_admin_shows_the_trail_but_offers_no_change(client, event, django_user_model):
    operator = django_user_model.objects.create_superuser("op", "op@example.org", "pw-op-123456")
    client.force_login(operator)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_members_trail_is_hers_alone(event, sam, maria, helen):
    audit_record(actor=helen, action="support_plan.view", subject_user=maria)
    assert list(AuditEvent.objects.about(sam)) == [event]
