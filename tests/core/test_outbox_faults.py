"""The outbox under faults, as CI runs it: real worker processes on the `messages` queue of
a Redis server of the test's own, the real Notify client against a loopback stub that
counts deliveries per idempotency key, and a thousand check-ins due at once. A worker
SIGKILLed mid-batch (and replaced), or Redis killed and restarted mid-batch, leaves each
check-in delivered exactly once as the provider sees it, every one recorded sent, and a
sweep run afterwards delivers nothing more.

The moment of each fault is fixed, not guessed: the stub holds its answer to the 300th
message, so a worker is inside a batch, after the provider took a message and before it
heard so, when the fault comes. That message, and any its batch sent since it last
wrote its outcomes (services.RECORD_WITHIN), the provider sees twice once the sweep has
taken the batch back: the reference the backend sends is what makes it one delivery.

PostgreSQL only (the workers must see committed rows: transactional tests), with
`redis-server` on the PATH; Linux, to find which worker holds a connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery, current_app
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.crypto.models import DataKey
from coproduction.outbox import services
from coproduction.outbox.backends import key_digest
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import CoproGroup, Membership, SafeContactProfile
from tests.conftest import need
from tests.core import sms_stubs

ROOT = Path(__file__).resolve().parents[2]
COUNT = 1000
HOLD_AT = 300
QUEUE = "messages"
CHECK_IN = "Hi {name}, how are things? Reply 1 OK, 2 not great, 3 please call"
# Long enough for a slow CI machine; each wait ends as soon as its condition holds.
PATIENCE = 90
Status = Message.Status

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis():
    need(connection.vendor == "postgresql", "PostgreSQL")
    need(shutil.which("redis-server") is not None, "redis-server")
    need(Path("/proc/net/tcp").exists(), "Linux's /proc")


# --- the world: members, check-ins, a broker, workers ---------------------------------------


def seed_check_ins(count: int) -> dict[str, int]:
    """`count` members who allow texts at any hour, each in a group, each with one
    check-in due now. Returns message id by the reference the provider will see."""
    now = timezone.now()
    group = CoproGroup.objects.create(name="Faults", member_facing_name="Tuesday")
    members = User.objects.bulk_create(
        [User(username=f"f{i}", first_name=f"F{i}", kind=User.Kind.MEMBER) for i in range(count)]
    )
    # Their data keys first, so encrypting their fields costs no query each.
    DataKey.objects.bulk_create(
        [
            DataKey(owner_id=m.pk, wrapped=crypto.encrypt(Fernet.generate_key().decode()))
            for m in members
        ]
    )
    crypto.warm_data_keys([m.pk for m in members])
    Membership.objects.bulk_create(
        [
            Membership(
                user=m, group=group, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
            )
            for m in members
        ]
    )
    SafeContactProfile.objects.bulk_create(
        [
            SafeContactProfile(
                member=m,
                channels=[Channel.SMS],
                phone=f"07700 9{i:05d}",
                safe_days=list(range(7)),
                safe_from=dt.time(0),
                safe_until=dt.time(23, 59, 59),
                sender_name="Jo",
            )  # fmt: skip
            for i, m in enumerate(members)
        ]
    )
    messages = Message.objects.bulk_create(
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
        ]
    )
    return {key_digest(m): m.pk for m in messages}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, on a free port: it can be killed and started
    again on the same port, with its append-only file or without any persistence."""

    def __init__(self, directory: Path, *, appendonly: bool):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.appendonly = directory, appendonly
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # AOF on, as libraries.md asks of production (synced at every write here, so what
        # survives a crash is certain), or nothing kept at all, as a Redis without a volume.
        persistence = ["--appendonly", "yes", "--appendfsync", "always"]
        if not self.appendonly:
            persistence = ["--appendonly", "no"]
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log"),
             *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 20, "the private Redis to start")

    def _ask(self, command: str, *args):
        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5) as client:
            return client.execute_command(command, *args)

    def _answers(self) -> bool:
        try:
            return bool(self._ask("PING"))
        except redis.RedisError:
            return False

    def queued(self) -> int:
        """Tasks waiting in the `messages` queue (a list, in kombu's Redis transport)."""
        return self._ask("LLEN", QUEUE)

    def unacked(self) -> int:
        """Tasks a worker took and has not acknowledged (late ack)."""
        return self._ask("HLEN", "unacked")

    def crash(self) -> None:
        """SIGKILL: Redis dies as a process does when the machine takes it away."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.crash()


@contextlib.contextmanager
def private_redis(directory: Path, *, appendonly: bool) -> Iterator[PrivateRedis]:
    server = PrivateRedis(directory, appendonly=appendonly)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def database_url() -> str:
    """The test database, for workers in other processes."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Celery worker processes (one process each, as `--pool solo` runs tasks in it), on
    the private broker, sending text messages through Notify to the stub."""

    def __init__(self, broker: PrivateRedis, stub: sms_stubs.Stub, logs: Path):
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker.url,
            "HEARTH_SMS_BACKEND": "coproduction.outbox.backends.NotifySMSBackend",
            "HEARTH_NOTIFY_API_KEY": sms_stubs.NOTIFY_KEY,
            "HEARTH_NOTIFY_SMS_TEMPLATE": "template-with-only-body",
            "HEARTH_NOTIFY_BASE_URL": stub.base_url,
        }
        self.broker = broker

    def start(self, *names: str) -> None:
        for name in names:
            log = (self.logs / f"{name}.log").open("w")
            self.processes[name] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "coproduction", "worker", "--pool", "solo",
                 "--queues", QUEUE, "--hostname", f"{name}@%h", "--loglevel", "WARNING",
                 "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            log.close()
        wait_for(lambda: self._ready(names), PATIENCE, f"workers {names} to answer", self)

    def _ready(self, names) -> bool:
        for name in names:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"worker {name} exited\n{self.output()}")
        with broker_app(self.broker.url) as app:
            replies = app.control.ping(timeout=1.0) or []
        answered = {hostname.split("@")[0] for reply in replies for hostname in reply}
        return set(names) <= answered

    def alive(self) -> set[str]:
        return {name for name, p in self.processes.items() if p.poll() is None}

    def kill(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def holding_a_connection_from(self, port: int) -> str:
        """Which worker has the TCP connection from local `port` (the stub's held one)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
        for name in self.alive():
            for fd in Path(f"/proc/{self.processes[name].pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return name
        raise AssertionError(f"no worker holds the connection from port {port}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}" for path in self.logs.glob("*.log")
        )


@contextlib.contextmanager
def workers(broker: PrivateRedis, stub: sms_stubs.Stub, logs: Path) -> Iterator[Workers]:
    logs.mkdir(parents=True, exist_ok=True)
    pool = Workers(broker, stub, logs)
    try:
        yield pool
    finally:
        pool.stop()


@contextlib.contextmanager
def broker_app(url: str) -> Iterator[Celery]:
    """A Celery app on the private broker, routing as the project does; a new one each
    time, so nothing holds a connection from before a restart."""
    app = Celery("outbox-faults", set_as_current=False)
    # The read and write URLs: CELERY_BROKER_URL in the environment (the shared broker's)
    # would win over `broker_url`.
    app.conf.update(
        broker_read_url=url,
        broker_write_url=url,
        task_routes=settings.CELERY_TASK_ROUTES,
        broker_connection_retry_on_startup=True,
    )
    try:
        yield app
    finally:
        app.close()


@contextlib.contextmanager
def handing_over_to(url: str) -> Iterator[Celery]:
    """The outbox's own hand-over (`services.messages_hand_over`), published to the
    private broker: its app is the current one for the block."""
    previous = current_app._get_current_object()
    with broker_app(url) as app:
        app.set_current()
        try:
            yield app
        finally:
            previous.set_current()


def sweep_and_hand_over(url: str, *, now: dt.datetime | None = None) -> list[int]:
    """What the sweep task does, for all that is due at once (and, given a later `now`,
    with the half-sent messages of a dead worker counted as stranded)."""
    with handing_over_to(url):
        due = services.due_sweep(now=now, batch=COUNT)
        services.messages_hand_over(message_ids=due)
    return due


def wait_for(
    condition: Callable[[], bool], seconds: float, what: str, pool: Workers | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    statuses = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    raise AssertionError(
        f"timed out waiting for {what}; messages {statuses}\n{pool.output() if pool else ''}"
    )


def sent() -> int:
    return Message.objects.filter(status=Status.SENT).count()


def assert_each_delivered_once(stub: sms_stubs.Stub, by_reference: dict[str, int]) -> None:
    """Every check-in is one delivery at the provider, and recorded as that delivery."""
    assert set(stub.delivered) == set(by_reference)
    assert not [r for r in stub.received if r.get("reference") not in by_reference]
    rows = dict(Message.objects.values_list("pk", "provider_ref"))
    assert all(rows[pk] == stub.delivered[reference] for reference, pk in by_reference.items()), (
        "a message is recorded with a delivery the provider does not know"
    )
    assert set(Message.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def assert_a_second_sweep_delivers_nothing(
    broker: PrivateRedis, stub: sms_stubs.Stub, pool: Workers, ids: list[int]
) -> None:
    """The sweep task run by a worker, and every message handed over once more (as a
    duplicated task would be): nothing more reaches the provider."""
    taken, unacked = len(stub.received), broker.unacked()
    later = timezone.now() + services.STRANDED_AFTER + dt.timedelta(minutes=1)
    assert services.due_sweep(now=later, batch=COUNT) == []
    with handing_over_to(broker.url) as app:
        app.send_task("coproduction.outbox.tasks.sweep")
        services.messages_hand_over(message_ids=ids)
    wait_for(
        lambda: broker.queued() == 0 and broker.unacked() <= unacked,
        PATIENCE,
        "the workers to run the sweep and the repeated hand-over",
        pool,
    )
    assert len(stub.received) == taken
    assert sent() == COUNT


# --- the faults ----------------------------------------------------------------------------


def test_a_worker_killed_mid_batch_and_replaced_leaves_each_check_in_delivered_once(tmp_path):
    by_reference = seed_check_ins(COUNT)
    with (
        sms_stubs.running() as stub,
        private_redis(tmp_path / "redis", appendonly=True) as broker,
        workers(broker, stub, tmp_path / "logs") as pool,
    ):
        stub.hold_at = HOLD_AT
        pool.start("w1", "w2")
        sweep_and_hand_over(broker.url)
        assert stub.holding.wait(PATIENCE), pool.output()

        # The worker whose message the provider took, before it heard so: killed there.
        victim = pool.holding_a_connection_from(stub.held_from[1])
        pool.kill(victim)
        stub.release.set()
        held = Message.objects.get(pk=by_reference[stub.received[HOLD_AT - 1]["reference"]])
        assert held.status == Status.SENDING
        pool.start("w3")

        # The others finish everything else; the dead worker's batch stays half-sent.
        def only_the_dead_batch_left() -> bool:
            left = Message.objects.exclude(status=Status.SENT)
            return not left.exclude(status=Status.SENDING, claimed_at=held.claimed_at).exists()

        wait_for(only_the_dead_batch_left, PATIENCE, "the live workers to finish", pool)
        stranded = set(Message.objects.filter(status=Status.SENDING).values_list("pk", flat=True))
        assert held.pk in stranded

        # Once they count as stranded the sweep takes them back and hands them over.
        later = timezone.now() + services.STRANDED_AFTER + dt.timedelta(minutes=1)
        assert set(sweep_and_hand_over(broker.url, now=later)) == stranded
        wait_for(lambda: sent() == COUNT, PATIENCE, "every check-in to be sent", pool)

        assert_each_delivered_once(stub, by_reference)
        # What the provider saw twice: the held message and others of its batch taken
        # since the batch last wrote its outcomes; never anything outside that batch.
        repeated = {by_reference[r] for r, n in stub.posts.items() if n > 1}
        assert held.pk in repeated and repeated <= stranded
        assert max(stub.posts.values()) == 2
        print(
            f"\nkilled {victim} mid-batch: {len(stranded)} check-ins left half-sent, "
            f"{len(repeated)} of them taken by the provider twice "
            f"({len(stub.received)} requests for {COUNT} check-ins); "
            f"each delivered once by its reference"
        )
        assert_a_second_sweep_delivers_nothing(broker, stub, pool, list(by_reference.values()))
        assert pool.alive() == {"w1", "w2", "w3"} - {victim}


@pytest.mark.parametrize("appendonly", [False, True], ids=["no-persistence", "append-only"])
def test_redis_restarted_mid_batch_leaves_each_check_in_delivered_once(tmp_path, appendonly):
    by_reference = seed_check_ins(COUNT)
    with (
        sms_stubs.running() as stub,
        private_redis(tmp_path / "redis", appendonly=appendonly) as broker,
        workers(broker, stub, tmp_path / "logs") as pool,
    ):
        stub.hold_at = HOLD_AT
        pool.start("w1", "w2")
        sweep_and_hand_over(broker.url)
        assert stub.holding.wait(PATIENCE), pool.output()

        # Redis dies while a worker is inside a batch, and comes back on the same port.
        broker.crash()
        broker.start()
        survived = broker.queued()
        stub.release.set()
        if appendonly:
            assert survived > 0, "the append-only file kept the queued batches"
        else:
            assert survived == 0, "without persistence the queued batches are gone"

        # The beat's sweep, every second here (every minute in production): what the
        # broker lost is still waiting in the table, and a batch handed over twice is
        # claimed once.
        swept = [0.0]

        def all_sent() -> bool:
            if time.monotonic() - swept[0] >= 1.0:
                sweep_and_hand_over(broker.url)
                swept[0] = time.monotonic()
            return sent() == COUNT

        wait_for(all_sent, PATIENCE, "every check-in to be sent", pool)
        assert_each_delivered_once(stub, by_reference)
        # No claim was lost, so none was sent twice: the provider saw each message once.
        assert len(stub.received) == COUNT and set(stub.posts.values()) == {1}
        print(
            f"\nRedis ({'append-only' if appendonly else 'no persistence'}) restarted "
            f"mid-batch: {survived} batch tasks survived it; {len(stub.received)} requests "
            f"for {COUNT} check-ins"
        )
        assert_a_second_sweep_delivers_nothing(broker, stub, pool, list(by_reference.values()))
        assert pool.alive() == {"w1", "w2"}, "a worker died of the restart\n" + pool.output()
