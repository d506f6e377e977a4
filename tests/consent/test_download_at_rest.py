"""Her download at rest: encrypted under her data key, readable by this process's user
alone, served only through the access-checked view, gone after 24 hours, one at a time."""

from __future__ import annotations

import datetime as dt
import io
import stat
import zipfile

import pytest
import time_machine
from django.urls import reverse

from consent import services
from consent.models import DataExport
from consent.tasks import build_data_export
from coproduction import crypto
from groups import services as group_services
from tests.consent.conftest import sign_in

WORDS = "Sitting near the door."
T = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def built(member) -> DataExport:
    export = services.data_export_request(member=member, acting_user=member)
    build_data_export.apply(args=[export.pk], throw=True)
    export.refresh_from_db()
    return export


def on_disk(export):
    return services.export_dir() / export.path


def download(client, export):
    return client.get(reverse("consent:my_data_download", args=[export.pk]))


def test_the_file_on_disk_is_encrypted_under_her_key_and_hers_alone(sam, var_dir):
    group_services.support_plan_save(member=sam, acting_user=sam, what_helps=WORDS)
    path = on_disk(built(sam))
    stored = path.read_bytes()
    assert not stored.startswith(b"PK")  # not a zip anyone can open
    assert WORDS.encode() not in stored
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    archive = zipfile.ZipFile(io.BytesIO(crypto.decrypt_bytes(stored)))
    assert WORDS in archive.read("data.json").decode()


def test_the_view_decrypts_it_on_the_way_out_and_it_is_never_cached(fresh_client, sam):
    group_services.support_plan_save(member=sam, acting_user=sam, what_helps=WORDS)
    response = download(fresh_client, built(sam))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert WORDS in zipfile.ZipFile(io.BytesIO(response.content)).read("data.json").decode()


def test_once_her_key_is_destroyed_the_file_cannot_be_read(fresh_client, sam):
    export = built(sam)
    crypto.data_key_destroy(sam.pk)
    with pytest.raises(DataExport.DoesNotExist):
        services.data_export_download(member=sam, export_id=export.pk)
    assert download(fresh_client, export).status_code == 404


def test_after_24_hours_the_view_refuses_it_even_before_the_task_runs(client, sam, sam_membership):
    with time_machine.travel(T, tick=False):
        export = built(sam)
    with time_machine.travel(T + dt.timedelta(hours=23, minutes=59), tick=False):
        sign_in(client, sam)
        assert download(client, export).status_code == 200
    with time_machine.travel(T + dt.timedelta(hours=24), tick=False):
        sign_in(client, sam)
        assert download(client, export).status_code == 404
        page = client.get(reverse("consent:my_data")).content.decode()
        assert reverse("consent:my_data_download", args=[export.pk]) not in page
    assert on_disk(export).exists()  # the hourly task removes it; the view only refuses


def test_one_live_download_at_a_time(fresh_client, sam):
    pending = services.data_export_request(member=sam, acting_user=sam)
    assert services.data_export_request(member=sam, acting_user=sam).pk == pending.pk
    build_data_export.apply(args=[pending.pk], throw=True)
    pending.refresh_from_db()

    newer = services.data_export_request(member=sam, acting_user=sam)
    assert services.data_export_request(member=sam, acting_user=sam).pk == newer.pk
    assert download(fresh_client, pending).status_code == 200  # hers until the new one is made
    build_data_export.apply(args=[newer.pk], throw=True)
    newer.refresh_from_db()

    assert list(DataExport.objects.values_list("pk", flat=True)) == [newer.pk]
    assert [p.name for p in services.export_dir().iterdir()] == [newer.path]
    assert download(fresh_client, pending).status_code == 404


def test_a_download_stuck_for_a_day_is_replaced_not_waited_for(sam, var_dir):
    with time_machine.travel(T, tick=False):
        stuck = services.data_export_request(member=sam, acting_user=sam)
    with time_machine.travel(T + dt.timedelta(hours=25), tick=False):
        again = services.data_export_request(member=sam, acting_user=sam)
    assert again.pk != stuck.pk
    assert list(DataExport.objects.values_list("pk", flat=True)) == [again.pk]
