"""Celery: a real worker process runs our tasks, through Redis in CI and the file-system
broker in a checkout; tasks are safe to run twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse

from coproduction.core.models import WorkerHeartbeat
from coproduction.core.tasks import heartbeat
from tests.conftest import REQUIRE_SERVICES, answers, need

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the test database, for a worker in another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_a_task():
    broker = settings.CELERY_BROKER_URL
    if broker.startswith("redis"):
        need(answers(broker, 6379), f"Redis at {broker}")
    elif REQUIRE_SERVICES:
        pytest.fail("CI must run the worker through Redis: set CELERY_BROKER_URL=redis://…")
    need(connection.vendor == "postgresql" or not REQUIRE_SERVICES, "PostgreSQL")

    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"worker-{queue}"
    env = {**os.environ, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coproduction", "worker", "--pool", "solo",
         "--queues", queue, "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        heartbeat.apply_async(args=[name], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if WorkerHeartbeat.objects.filter(name=name).exists():
                break
            time.sleep(0.25)
        assert WorkerHeartbeat.objects.filter(name=name).exists(), "the worker never ran the task"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "ready" in output
    assert "coproduction.core.tasks.heartbeat" in output


def test_heartbeat_twice_leaves_one_row(db):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        heartbeat.apply(args=["worker"])
    with time_machine.travel("2026-11-25 10:01", tick=False):
        heartbeat.apply(args=["worker"])
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get().seen_at.minute == 1


def test_beat_schedules_the_heartbeat():
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == heartbeat.name


def test_healthz_reports_database_and_worker(client, db):
    assert client.get(reverse("healthz")).json() == {
        "database": "ok",
        "worker": "unknown",
        "worker_seen_seconds_ago": None,
    }
    heartbeat.apply()
    body = client.get(reverse("healthz")).json()
    assert body["worker"] == "ok"
    assert body["worker_seen_seconds_ago"] <= 1


def test_healthz_says_unknown_when_the_worker_is_stale(client, db):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        heartbeat.apply()
    with time_machine.travel("2026-11-25 10:06", tick=False):
        assert client.get(reverse("healthz")).json()["worker"] == "unknown"


def test_healthz_refuses_writes(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_a_worker_keeps_its_database_connection_between_tasks_unless_it_went_bad(monkeypatch):
    """Celery's fixup would open a new connection for every task; Hearth reuses it (for
    CELERY_DB_REUSE_MAX tasks) and closes it after a task only as Django does after a
    request: when an error left it unusable or it outlived CONN_MAX_AGE."""
    from types import SimpleNamespace

    from coproduction.celery import app, drop_unusable_connections

    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100
    calls = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: calls.append("checked"))
    drop_unusable_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
    assert calls == [], "a task run in the caller's process keeps the caller's connection"
    drop_unusable_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=False)))
    assert calls == ["checked"]
