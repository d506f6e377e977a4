"""Audited reads are services (her download, the history of her answers, the quotes
export), and the erasure writes are whole: each change and its audit row together."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from consent import reads, services
from consent.models import Answer, DataExport, ErasureRequest
from consent.tasks import build_data_export
from coproduction import crypto
from coproduction.audit.models import AuditEvent

T = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def built(member) -> DataExport:
    export = services.data_export_request(member=member, acting_user=member)
    build_data_export.apply(args=[export.pk], throw=True)
    export.refresh_from_db()
    return export


# --- her download -------------------------------------------------------------------------


def test_her_download_is_decrypted_and_recorded(sam, sam_membership):
    export = built(sam)
    content = services.data_export_download(member=sam, export_id=export.pk)
    assert content.startswith(b"PK")
    [row] = AuditEvent.objects.filter(action="data.export_download")
    assert (row.actor, row.subject_user, row.subject_id) == (sam, sam, str(export.pk))


def test_each_download_is_recorded(sam, sam_membership):
    export = built(sam)
    services.data_export_download(member=sam, export_id=export.pk)
    services.data_export_download(member=sam, export_id=export.pk)
    assert AuditEvent.objects.filter(action="data.export_download").count() == 2


def test_another_members_download_does_not_exist_for_her(sam, sam_membership, maria):
    export = built(sam)
    with pytest.raises(DataExport.DoesNotExist):
        services.data_export_download(member=maria, export_id=export.pk)
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


def test_a_download_not_ready_does_not_exist(sam, sam_membership):
    export = services.data_export_request(member=sam, acting_user=sam)
    with pytest.raises(DataExport.DoesNotExist):
        services.data_export_download(member=sam, export_id=export.pk)
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


def test_a_download_past_its_keeping_time_does_not_exist(sam, sam_membership):
    with time_machine.travel(T, tick=False):
        export = built(sam)
    with time_machine.travel(T + services.EXPORT_KEPT_FOR, tick=False):
        with pytest.raises(DataExport.DoesNotExist):
            services.data_export_download(member=sam, export_id=export.pk)
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


def test_a_download_whose_file_or_key_is_gone_does_not_exist(sam, sam_membership):
    export = built(sam)
    crypto.data_key_destroy(sam.pk)
    with pytest.raises(DataExport.DoesNotExist):
        services.data_export_download(member=sam, export_id=export.pk)
    (services.export_dir() / export.path).unlink()
    with pytest.raises(DataExport.DoesNotExist):
        services.data_export_download(member=sam, export_id=export.pk)
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


# --- staff reads ----------------------------------------------------------------------------


def test_reading_her_history_is_recorded_with_the_page(
    sam, sam_membership, helen, helen_fac, purposes
):
    for answer in (Answer.YES, Answer.NO, Answer.ASK):
        services.consent_record(
            member=sam, purpose=purposes["photos"], answer=answer, acting_user=sam
        )
    page = reads.consent_history_read(membership=sam_membership, viewer=helen, page_number=None)
    assert [event.answer for event in page] == [Answer.ASK, Answer.NO, Answer.YES]
    [row] = AuditEvent.objects.filter(action="consent.history_view")
    assert (row.actor, row.subject_user, row.subject_id) == (helen, sam, str(sam_membership.pk))


def test_each_look_at_her_history_is_recorded(sam, sam_membership, helen, helen_fac):
    reads.consent_history_read(membership=sam_membership, viewer=helen, page_number=None)
    reads.consent_history_read(membership=sam_membership, viewer=helen, page_number="2")
    assert AuditEvent.objects.filter(action="consent.history_view").count() == 2


def test_taking_the_quotes_is_recorded(sam, sam_membership, helen, helen_fac, tuesday_group):
    assert reads.outputs_export_read(group=tuesday_group, viewer=helen) == []
    [row] = AuditEvent.objects.filter(action="outputs.export")
    assert (row.actor, row.subject_id) == (helen, str(tuesday_group.pk))


# --- erasure writes are whole ----------------------------------------------------------------


def _failing_audit(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(services, "audit_record", fail)


def test_withdrawing_without_its_audit_row_changes_nothing(sam, sam_membership, monkeypatch):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    _failing_audit(monkeypatch)
    with pytest.raises(RuntimeError):
        services.erasure_withdraw(erasure=erasure, acting_user=sam)
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.REQUESTED


def test_withdrawing_twice_withdraws_once(sam, sam_membership):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    first = services.erasure_withdraw(erasure=erasure, acting_user=sam)
    second = services.erasure_withdraw(erasure=erasure, acting_user=sam)
    assert first.status == second.status == ErasureRequest.Status.WITHDRAWN
    assert actions().count("erasure.withdraw") == 1


def test_confirming_without_its_audit_row_changes_nothing(
    sam, sam_membership, helen, helen_fac, monkeypatch
):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    _failing_audit(monkeypatch)
    with pytest.raises(RuntimeError):
        services.erasure_confirm(
            erasure=erasure, acting_user=helen, kept_for_legal_reasons="A safeguarding record."
        )
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REQUESTED
    assert erasure.decided_by is None and erasure.kept_for_legal_reasons == ""


def test_confirming_twice_with_a_reason_confirms_once(sam, sam_membership, helen, helen_fac):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    for _ in range(2):
        confirmed = services.erasure_confirm(
            erasure=erasure, acting_user=helen, kept_for_legal_reasons="A safeguarding record."
        )
    assert confirmed.status == ErasureRequest.Status.CONFIRMED
    assert confirmed.stands_at > timezone.now()
    assert actions().count("erasure.confirm") == 1
