"""Hearth's page bench: key pages measured against the framework's floor.

Usage (from the checkout, after `make install`; PostgreSQL and Redis running):

    .venv/bin/python bench/pages.py [--scale full|small|both] [--rounds N] [--seconds S]
    make bench                      # both sizes, 5 rounds

What it does, per size:

1. Makes a database of its own (`BENCH_DATABASE_URL`, default
   postgres://postgres@127.0.0.1:5432/hearth_bench; the size is appended to the name:
   hearth_bench_full, hearth_bench_small, hearth_bench_history), copied from a template
   migrated once, and drops it afterwards (`--keep` keeps them).
2. Seeds it in bulk with the real models (`bench/seed.py` says exactly what), then
   gathers the planner's statistics as autovacuum would on a live database (the
   database is set to `random_page_cost = 1.1`, as docker-compose.yml sets production's):
   full = 50 groups of 100 members (5,000), 75 staff, 500,000 consent events;
   small = 1 group of 50 members, 3 staff, 5,000 events.
3. Signs in through the real allauth login, a member and a facilitator (who passes her
   TOTP step, as `RequireStaffMFAMiddleware` requires), with the Django test client,
   and counts each page's SQL queries through it (`bench/prepare.py`).
4. Serves the database with gunicorn (`--workers`, sync, default 3) under production
   settings (`bench/settings.py`: DEBUG off, fresh secret and field keys, static files
   collected, the project's URLs plus the bare view `bench/bare/`), checks each page
   answers 200 with a word it must contain, then measures with `/usr/bin/wrk`
   (8 connections, `bench/session.lua` sending the session and CSRF cookies): rounds
   of {bare view, member home, her choices, staff home, the roster of a 100-member
   group, the group's consent page}, `--seconds` each, the order rotated each round;
   after each run the page must still answer 200 with its word (a lost session would
   have turned the run into fast redirects). A page's ratio is its latency over the
   bare view's in the same round; the median over rounds is reported, for the median
   and the p99.
5. History: a third database with two groups of 100 members, one with 10 events per
   member and one with 1,000 (100,000 events); the group's consent page of each is
   measured the same way, and their median ratio must be within 1.2.

It prints a table per size (with each page's query count and the database's time for
those queries in one request, from the test client) and PASS/FAIL against the targets
(median ≤ 3×, p99 ≤ 5× the bare view, ≤ 10 queries; history ≤ 1.2×), the seed times,
and (full size) where one roster request and one consent-page request spend their time:
own time by area (SQL, templates, ORM, URLs, translation, encryption, Hearth's code)
and cProfile's top 15 functions.
On a busy machine the ratios move from run to run; use more rounds (`--rounds 9`).
The exit status is 0 only if everything passes.

Environment: BENCH_DATABASE_URL as above; BENCH_REDIS_URL (default
redis://127.0.0.1:6379/15) for the cache and the (unused) broker.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
BIN = Path(PYTHON).parent
WRK = "/usr/bin/wrk"
LUA = ROOT / "bench" / "session.lua"
CONNECTIONS = 8
RANDOM_PAGE_COST = 1.1
TARGET_MEDIAN, TARGET_P99, TARGET_QUERIES, TARGET_HISTORY = 3.0, 5.0, 10, 1.2


def _database_url(name: str) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_bench")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{name}"))


def _admin_sql(*statements: str) -> None:
    """Run statements against the server's `postgres` database, outside a transaction."""
    import psycopg2

    parts = urlsplit(_database_url("x"))
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def _db_name(name: str) -> str:
    return urlsplit(_database_url(name)).path.lstrip("/")


def bench_environment() -> dict[str, str]:
    """Production-like settings with keys made for this run alone."""
    from cryptography.fernet import Fernet

    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        HEARTH_FIELD_KEYS=Fernet.generate_key().decode(),
        HEARTH_HASH_KEY=secrets.token_urlsafe(32),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        REDIS_URL=redis,
        CELERY_BROKER_URL=redis,
        PYTHONPATH=str(ROOT),
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def make_template(env: dict[str, str]) -> str:
    """One migrated database, copied for each size (migrating takes longer than copying)."""
    name = _db_name("template")
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    env = {**env, "DATABASE_URL": _database_url("template")}
    _run([PYTHON, "manage.py", "migrate", "--noinput"], env)
    _run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    return name


def make_database(name: str, template: str) -> str:
    db = _db_name(name)
    _admin_sql(
        f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)',
        f'CREATE DATABASE "{db}" TEMPLATE "{template}"',
        # As docker-compose.yml configures the production server (SSD, data in memory).
        f'ALTER DATABASE "{db}" SET random_page_cost = {RANDOM_PAGE_COST}',
    )
    return _database_url(name)


def drop_database(name: str) -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{_db_name(name)}" WITH (FORCE)')


def run_prepare(plan: str, env: dict[str, str], *, with_profile: bool) -> dict:
    """Seed, sign in and count queries in a child process set up for that database."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [PYTHON, str(Path(__file__).resolve()), "--prepare", plan, "--out", out.name]
        if with_profile:
            args.append("--with-profile")
        subprocess.run(args, cwd=ROOT, env=env, check=True)  # noqa: S603
        return json.loads(Path(out.name).read_text())


def _prepare_here(plan_name: str, out: str, with_profile: bool) -> None:
    import django

    django.setup()
    from bench import prepare, seed

    result = prepare.prepare(seed.PLANS[plan_name], with_profile=with_profile)
    Path(out).write_text(json.dumps(result))


# --- serving and measuring ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1)
        url,
        headers={"Cookie": cookie, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


class Server:
    """gunicorn serving the bench settings on a free local port."""

    def __init__(self, env: dict[str, str], workers: int):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "coproduction.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                _get(f"{self.base}/healthz/")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(url: str, cookie: str, seconds: int, word: str) -> dict:
    """One wrk run: 8 connections for `seconds`; its figures from the Lua script. The page
    must still answer 200 with `word` afterwards: a session lost during the run would have
    made the rest of it redirects to sign-in."""
    result = subprocess.run(  # noqa: S603
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), url],
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in reversed(result.stdout.splitlines()) if line.startswith("{"))
    figures = json.loads(line)
    if figures["errors_status"] or figures["socket_errors"]:
        raise RuntimeError(f"{url}: {figures['errors_status']} answers were errors: {figures}")
    status, body = _get(url, cookie)
    if status != 200 or word not in body:
        raise RuntimeError(f"{url} answered {status} without {word!r} after the run")
    return figures


def measure(server: Server, prepared: dict, rounds: int, seconds: int):
    """Interleaved rounds: each page's figures and ratios to the bare view of the same
    round (medians over rounds), and the rounds themselves."""
    pages = prepared["pages"]
    cookies = prepared["cookies"]
    for page in pages:
        status, body = _get(server.base + page["url"], cookies[page["who"]])
        if status != 200 or page["word"] not in body:
            raise RuntimeError(f"{page['name']} answered {status} without {page['word']!r}")
    for page in pages:  # warm every worker's caches; not counted
        wrk(server.base + page["url"], cookies[page["who"]], 1, page["word"])
    runs: list[dict[str, dict]] = []
    for n in range(rounds):
        order = pages[n % len(pages) :] + pages[: n % len(pages)]
        runs.append(
            {
                page["name"]: wrk(
                    server.base + page["url"], cookies[page["who"]], seconds, page["word"]
                )
                for page in order
            }
        )
    results = []
    for page in pages:
        name = page["name"]
        results.append(
            {
                **page,
                "median_ms": statistics.median(r[name]["median_us"] for r in runs) / 1000,
                "p99_ms": statistics.median(r[name]["p99_us"] for r in runs) / 1000,
                "median_ratio": statistics.median(
                    r[name]["median_us"] / r["bare view"]["median_us"] for r in runs
                ),
                "p99_ratio": statistics.median(
                    r[name]["p99_us"] / r["bare view"]["p99_us"] for r in runs
                ),
                "requests": sum(r[name]["requests"] for r in runs),
            }
        )
    return results, runs


# --- reporting ---------------------------------------------------------------------


def page_passes(row: dict) -> bool:
    return (
        row["median_ratio"] <= TARGET_MEDIAN
        and row["p99_ratio"] <= TARGET_P99
        and row["queries"] <= TARGET_QUERIES
    )


def print_table(title: str, rows: list[dict]) -> bool:
    print(f"\n{title}")
    header = (
        f"{'page':34} {'queries':>7} {'SQL':>8} {'median':>9} {'p99':>9} {'median×':>8}"
        f" {'p99×':>7}  verdict"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for row in rows:
        is_bare = row["name"] == "bare view"
        verdict = "" if is_bare else ("PASS" if page_passes(row) else "FAIL")
        ok = ok and (is_bare or page_passes(row))
        print(
            f"{row['name']:34} {row['queries']:>7} {row['sql_ms']:>6.1f}ms"
            f" {row['median_ms']:>7.1f}ms {row['p99_ms']:>7.1f}ms {row['median_ratio']:>7.2f}×"
            f" {row['p99_ratio']:>6.2f}×  {verdict}"
        )
    return ok


def run_plan(plan: str, env, template, args):
    url = make_database(plan, template)
    plan_env = {**env, "DATABASE_URL": url}
    try:
        prepared = run_prepare(plan, plan_env, with_profile=plan == "full" and args.profile)
        print(f"{plan}: seeded {prepared['counts']} in {prepared['seed_seconds']} s", flush=True)
        server = Server(plan_env, args.workers)
        try:
            rows, runs = measure(server, prepared, args.rounds, args.seconds)
        finally:
            server.stop()
    finally:
        if not args.keep:
            drop_database(plan)
    return prepared, rows, runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["full", "small", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per page per round")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--no-history", dest="history", action="store_false")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--with-profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        _prepare_here(args.prepare, args.out, args.with_profile)
        return 0

    env = bench_environment()
    started = time.monotonic()
    template = make_template(env)
    plans = ["small", "full"] if args.scale == "both" else [args.scale]
    tables, profiles, ok = [], [], True
    try:
        for plan in plans:
            prepared, rows, _ = run_plan(plan, env, template, args)
            tables.append((f"{plan} ({prepared['counts']})", rows))
            if prepared["profile"]:
                profiles.append(prepared["profile"])
        history = history_runs = None
        if args.history:
            _, history, history_runs = run_plan("history", env, template, args)
    finally:
        if not args.keep:
            _admin_sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')

    for title, rows in tables:
        ok = print_table(title, rows) and ok
    if history is not None:
        print_table("history (two groups of 100 members)", history)
        short, long = history[1]["name"], history[2]["name"]
        # Compared within each round, as the pages are with the bare view.
        ratio = statistics.median(
            r[long]["median_us"] / r[short]["median_us"] for r in history_runs
        )
        history_ok = ratio <= TARGET_HISTORY
        ok = ok and history_ok
        print(
            f"consent page, 1,000 vs 10 events per member: median {ratio:.2f}× "
            f"(target ≤ {TARGET_HISTORY}×): {'PASS' if history_ok else 'FAIL'}"
        )
    for text in profiles:
        print("\n" + text)
    print(f"\n{'PASS' if ok else 'FAIL'} (whole run {time.monotonic() - started:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
