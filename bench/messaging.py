"""Hearth's messaging bench: the outbox's pipeline against Celery's floor, and the sweep's
cost as the outbox grows.

Usage (from the checkout, after `make install`; PostgreSQL and Redis running):

    .venv/bin/python bench/messaging.py [--messages N] [--workers W] [--rounds R]

1. Throughput. A database of its own (as `bench/pages.py` makes them) holds N members, each
   with a safe-contact profile that allows text messages at any hour, and N check-ins due
   now. W real Celery worker processes (one process each, prefetch 1, late ack, on the
   `messages` queue of a Redis database of the bench's own) take, in interleaved rounds:
   N of Celery's own no-op task (`celery.accumulate`, one task per message: the floor),
   then the N check-ins through the real pipeline as the sweep hands them over
   (`due_sweep` names what is due, `messages_hand_over` publishes it as
   `coproduction.outbox.tasks.deliver_batch` tasks of up to 50 ids; the timing starts
   before the sweep's question). Each worker then claims a batch, reads it once, asks the
   gate for each message (her profile, her memberships), sends it by the memory channel
   and writes the outcomes. With `--single` a third run per round sends one
   `coproduction.outbox.tasks.deliver` task per check-in, as the pipeline did before
   batches, for comparison (not part of the goal). A run ends when the queue is empty
   and nothing is left unacknowledged; the check-ins are then checked all sent, each
   once, and set pending again. It prints each rate and the ratio of the pipeline's to
   the no-op task's (goal ≥ 0.5).
2. The sweep. `due_sweep` timed (median of 25) with 100 due rows among 10,000 and among
   1,000,000 outbox rows (the rest sent, as an outbox that has run for years is): the
   goal is ≤ 2× apart, since both of its questions are answered from partial indexes.

The exit status is 0 only if both goals are met.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402 (the path above must come first)
    BIN,
    PYTHON,
    _admin_sql,
    _db_name,
    bench_environment,
    drop_database,
    make_database,
    make_template,
)

TARGET_RATE, TARGET_SWEEP = 0.5, 2.0
QUEUE = "messages"
CHECK_IN = "Hi {name}, how are things? Reply 1 OK, 2 not great, 3 please call"


# --- the Django side, in a child process set up for the bench database -------------------


def _prepare(count: int) -> dict:
    """N members who allow texts at any hour, in one group, and one check-in each, due now."""
    import datetime as dt

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bench.seed import _bulk, _make_data_keys
    from coproduction.accounts.models import User
    from coproduction.outbox.channels import Channel
    from coproduction.outbox.models import Message
    from groups.models import CoproGroup, Membership, SafeContactProfile

    now = timezone.now()
    password = make_password("bench-messaging")
    with transaction.atomic():
        group = CoproGroup.objects.create(name="Messaging bench", member_facing_name="Tuesday")
        members = _bulk(
            User,
            [
                User(username=f"m{i}", first_name=f"M{i}", password=password, kind="member")
                for i in range(count)
            ],
        )
        _make_data_keys([m.pk for m in members])
        _bulk(
            Membership,
            [
                Membership(
                    user=m,
                    group=group,
                    role=Membership.Role.MEMBER,
                    status=Membership.Status.ACTIVE,
                )
                for m in members
            ],
        )
        _bulk(
            SafeContactProfile,
            [
                SafeContactProfile(
                    member=m,
                    channels=[Channel.SMS],
                    phone="07700 900123",
                    safe_days=list(range(7)),
                    safe_from=dt.time(0),
                    safe_until=dt.time(23, 59, 59),
                    sender_name="Jo",
                )  # fmt: skip
                for m in members
            ],
        )
        messages = _bulk(
            Message,
            [
                Message(
                    recipient=m,
                    kind="checkin",
                    channel=Channel.SMS,
                    key=f"checkin:{m.pk}",
                    body=CHECK_IN.format(name=m.first_name),
                    due_at=now,
                )  # fmt: skip
                for m in members
            ],
        )
    return {"ids": [m.pk for m in messages]}


def _check_and_reset(count: int) -> dict:
    """How the last round ended (each check-in sent once?), then every one pending again."""
    import django

    django.setup()
    from django.db.models import Count

    from coproduction.outbox.models import Message

    statuses = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    attempts = dict(Message.objects.values_list("attempts").annotate(n=Count("pk")))
    Message.objects.update(status=Message.Status.PENDING, attempts=0, sent_at=None, claimed_at=None)
    return {"statuses": statuses, "attempts": {str(k): v for k, v in attempts.items()}}


def _sweep_times() -> dict:
    """The sweep with 100 due rows among 10,000, then among 1,000,000."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from coproduction.outbox import services
    from coproduction.outbox.models import Message

    def grow_to(total: int) -> None:
        # Sent rows, as years of messages leave them: written by SQL, never read.
        have = Message.objects.count()
        member = Message.objects.values_list("recipient_id", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {Message._meta.db_table}
                (recipient_id, kind, channel, subject, body, mentions_group, key, status,
                 due_at, attempts, last_error, provider_ref, created_at, sent_at)
                SELECT %s, 'checkin', 'sms', '', 'x', false, 'old:' || g, 'sent',
                    now() - interval '1 day', 1, '', '', now() - interval '1 day', now()
                FROM generate_series(%s, %s) g""",  # noqa: S608 (the model's table name)
                [member, have, total - 1],
            )
            cursor.execute(f"ANALYZE {Message._meta.db_table}")

    def timed() -> float:
        services.due_sweep()  # warm
        runs = []
        for _ in range(25):
            started = time.perf_counter()
            due = services.due_sweep(now=timezone.now())
            runs.append(time.perf_counter() - started)
        assert len(due) == 100, len(due)
        return statistics.median(runs) * 1000

    keep = list(Message.objects.order_by("pk").values_list("pk", flat=True)[:100])
    Message.objects.exclude(pk__in=keep).delete()
    Message.objects.update(status=Message.Status.PENDING, due_at=timezone.now())
    grow_to(10_000)
    small = timed()
    grow_to(1_000_000)
    large = timed()
    return {"small_ms": small, "large_ms": large}


CHILD_STEPS = {"prepare": _prepare, "check": _check_and_reset, "sweep": _sweep_times}


def run_child(step: str, env: dict[str, str], *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603
            [PYTHON, str(Path(__file__).resolve()), "--child", step, "--out", out.name, *args],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(Path(out.name).read_text())


# --- workers, the broker, the rounds -------------------------------------------------------


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    workers = []
    for n in range(count):
        workers.append(
            subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "celery"),
                    "-A",
                    "coproduction",
                    "worker",
                    "--queues",
                    QUEUE,
                    "--concurrency",
                    "1",
                    "--pool",
                    "prefork",
                    "--loglevel",
                    "WARNING",
                    "--hostname",
                    f"bench{n}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
            )
        )
    return workers


def wait_ready(app, count: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    raise RuntimeError("the workers did not start")


def drained(client) -> bool:
    """Nothing queued, and nothing taken but not yet acknowledged (late ack)."""
    return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0


def wait_drained(client) -> None:
    while not drained(client):
        time.sleep(0.005)


def timed_round(app, client, name: str, args_list: list[tuple]) -> float:
    """Publish one task per args, then wait until the workers have done them all."""
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for args in args_list:
            app.send_task(name, args=args, queue=QUEUE, producer=producer)
    wait_drained(client)
    return time.perf_counter() - started


def swept_round(client, count: int) -> float:
    """The pipeline as production runs it: the sweep's question (what is due, oldest
    first), its hand-over in batches, then the workers until they have done them all."""
    from coproduction.outbox import services

    started = time.perf_counter()
    due = services.due_sweep(batch=count)
    services.messages_hand_over(message_ids=due)
    wait_drained(client)
    assert len(due) == count, f"the sweep named {len(due)} of {count} due check-ins"
    return time.perf_counter() - started


def checked(env: dict[str, str], count: int) -> tuple[dict, bool]:
    """How the last run ended (each check-in sent once?); every one pending again."""
    ended = run_child("check", env, "--messages", str(count))
    once = ended["statuses"] == {"sent": count} and ended["attempts"] == {"1": count}
    return ended, once


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--single", action="store_true", help="also time one deliver task per check-in"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        step = CHILD_STEPS[args.child]
        result = step(args.messages) if args.child != "sweep" else step()
        Path(args.out).write_text(json.dumps(result))
        return 0

    redis_url = os.environ.get("BENCH_MESSAGING_REDIS_URL", "redis://127.0.0.1:6379/13")
    env = {
        **bench_environment(),
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "HEARTH_SMS_BACKEND": "coproduction.outbox.backends.MemoryBackend",
    }
    template = make_template(env)
    env["DATABASE_URL"] = make_database("messaging", template)
    os.environ.update(env)
    import django

    django.setup()
    import redis

    from coproduction.celery import app
    from coproduction.outbox.services import DELIVER

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    workers: list[subprocess.Popen] = []
    try:
        ids = run_child("prepare", env, "--messages", str(args.messages))["ids"]
        print(f"seeded {len(ids)} members and check-ins", flush=True)
        workers = start_workers(env, args.workers)
        wait_ready(app, args.workers)
        noop, pipeline, single, ok = [], [], [], True
        for n in range(args.rounds):
            noop.append(len(ids) / timed_round(app, client, "celery.accumulate", [(1,)] * len(ids)))
            pipeline.append(len(ids) / swept_round(client, len(ids)))
            ended, once = checked(env, len(ids))
            ok = ok and once
            line = (
                f"round {n + 1}: no-op {noop[-1]:.0f}/s, check-ins in batches "
                f"{pipeline[-1]:.0f}/s, ended {ended}{'' if once else '  <- not each sent once'}"
            )
            if args.single:
                single.append(len(ids) / timed_round(app, client, DELIVER, [(i,) for i in ids]))
                ended, once = checked(env, len(ids))
                ok = ok and once
                line += f"; one task each {single[-1]:.0f}/s{'' if once else ' <- not once'}"
            print(line, flush=True)
        sweep = run_child("sweep", env)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        if not args.keep:
            drop_database("messaging")
            _admin_sql(f'DROP DATABASE IF EXISTS "{_db_name("template")}" WITH (FORCE)')

    rate = statistics.median(pipeline) / statistics.median(noop)
    spread = sweep["large_ms"] / sweep["small_ms"]
    rate_ok, sweep_ok = rate >= TARGET_RATE, spread <= TARGET_SWEEP
    if single:
        print(
            f"\nfor comparison, one deliver task per check-in: {statistics.median(single):.0f}/s, "
            f"ratio {statistics.median(single) / statistics.median(noop):.2f}"
        )
    print(
        f"\ncheck-ins through the outbox: {statistics.median(pipeline):.0f}/s; Celery's no-op "
        f"task on the same broker and workers: {statistics.median(noop):.0f}/s; ratio "
        f"{rate:.2f} (goal ≥ {TARGET_RATE}): {'PASS' if rate_ok else 'FAIL'}"
    )
    print(
        f"sweep with 100 due rows: {sweep['small_ms']:.2f} ms among 10,000 rows, "
        f"{sweep['large_ms']:.2f} ms among 1,000,000: {spread:.2f}× (goal ≤ {TARGET_SWEEP}×): "
        f"{'PASS' if sweep_ok else 'FAIL'}"
    )
    passed = ok and rate_ok and sweep_ok
    print(f"\n{'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
