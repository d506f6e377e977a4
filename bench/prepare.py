"""The bench's Django side, run inside a process set up with the bench settings:
seed a plan, sign in as the real people would, name the pages to measure, count each
page's SQL queries through the test client and profile one request.

`bench/pages.py` runs `prepare()` in a child process per database and measures the
pages it names through gunicorn.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from allauth.mfa.totp.internal.auth import hotp_value
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import seed as seeding

# The headers the production proxy adds: without them a DEBUG-off Hearth redirects to
# https and allauth cannot tell the client's address for its rate limits.
ROOT = Path(__file__).resolve().parent.parent
HEARTH_CODE = re.escape(str(ROOT)) + "/(coproduction|groups|consent|sessions_app|templates)/"
PROXY_HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "127.0.0.1"}


@dataclass
class Page:
    """One page to measure: where, signed in as whom, and a word it must contain."""

    name: str
    url: str
    who: str  # "member" or "staff"
    word: str
    queries: int | None = None
    sql_ms: float | None = None  # the database's time for those queries, one request


class SignInFailed(RuntimeError):
    pass


def new_client() -> Client:
    return Client(**PROXY_HEADERS)


def sign_in(client: Client, username: str, totp_secret: str | None = None) -> Client:
    """Sign in through allauth's real login form and, for staff, its TOTP step."""
    response = client.post(
        reverse("account_login"), {"login": username, "password": seeding.PASSWORD}
    )
    if response.status_code != 302:
        raise SignInFailed(f"login for {username} answered {response.status_code}")
    if response["Location"] == reverse("mfa_authenticate"):
        if totp_secret is None:
            raise SignInFailed(f"{username} was asked for a second factor")
        code = f"{hotp_value(totp_secret, int(time.time()) // 30):06d}"
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        if response.status_code != 302 or response["Location"] == reverse("mfa_authenticate"):
            raise SignInFailed(f"the TOTP step for {username} answered {response.status_code}")
    if "_auth_user_id" not in client.session:
        raise SignInFailed(f"{username} is not signed in")
    return client


def cookie_header(client: Client) -> str:
    """The session and CSRF cookies as a browser would send them."""
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def pages_for(plan_name: str, seeded: seeding.Seeded) -> list[Page]:
    """The pages measured for a plan, the bare view first."""
    bare = Page("bare view", reverse("bench_bare"), "staff", "bare")
    first = seeded.group_ids[0]
    if plan_name == seeding.HISTORY.name:
        return [
            bare,
            Page(
                "consent page, 10 events each",
                reverse("consent:group_choices", args=[first]),
                "staff",
                "Sharing choices in Bench group 0",
            ),
            Page(
                "consent page, 1,000 events each",
                reverse("consent:group_choices", args=[seeded.group_ids[1]]),
                "staff",
                "Sharing choices in Bench group 1",
            ),
        ]
    return [
        bare,
        Page("member home", reverse("member_home"), "member", "Your choices"),
        Page("her choices", reverse("consent:my_choices"), "member", "Change"),
        Page("staff home", reverse("staff_home"), "staff", "Your groups"),
        Page("roster", reverse("groups:roster", args=[first]), "staff", "People in Bench group 0"),
        Page(
            "group consent page",
            reverse("consent:group_choices", args=[first]),
            "staff",
            "Sharing choices in Bench group 0",
        ),
    ]


def count_queries(pages: list[Page], clients: dict[str, Client]) -> None:
    """Each page's SQL query count for one request, after one request to warm caches
    (as a running server is warm). Checks the page answers 200 with its word."""
    for page in pages:
        client = clients[page.who]
        client.get(page.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        if response.status_code != 200 or page.word not in response.content.decode():
            raise SignInFailed(
                f"{page.name} ({page.url}) answered {response.status_code} without {page.word!r}"
            )
        page.queries = len(queries)
        page.sql_ms = round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1)


# Where a request's own time goes, by the code it is spent in (first match wins).
AREAS = [
    ("SQL (the driver's execute)", re.compile(r"psycopg|backends/")),
    ("templates (django.template)", re.compile(r"django/template/")),
    ("ORM: building objects and queries", re.compile(r"django/db/")),
    ("URLs: reverse and resolve", re.compile(r"django/urls/")),
    ("translation (gettext)", re.compile(r"translation/|gettext\.py")),
    ("encryption (cryptography)", re.compile(r"cryptography/|coproduction/crypto/")),
    ("Hearth's own code", re.compile(re.escape(str(ROOT)) + r"/(?!\.venv/)")),
]


def time_by_area(stats: pstats.Stats) -> list[tuple[str, float]]:
    """The profile's own time summed by area. Built-ins (getattr, str methods) name no
    file, so they count as "other", with the standard library and asgiref."""
    totals: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
        where = f"{filename} {function}"
        area = next(
            (name for name, pattern in AREAS if pattern.search(where)),
            "other: built-ins, standard library, asgiref",
        )
        totals[area] = totals.get(area, 0.0) + own
    return sorted(totals.items(), key=lambda item: -item[1])


def profile(page: Page, client: Client, top: int = 15) -> str:
    """cProfile of one warm request: the top functions by own time and by cumulative time."""
    client.get(page.url)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(page.url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"## {page.name} ({page.url}): own time by area, {stats.total_tt * 1000:.0f} ms\n")
    for area, seconds in time_by_area(stats):
        out.write(f"   {seconds * 1000:7.1f} ms  {seconds / stats.total_tt:4.0%}  {area}\n")
    out.write(f"## {page.name} ({page.url}): top {top} by own time\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"## {page.name} ({page.url}): Hearth's own code, top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(HEARTH_CODE, top)
    # Paths relative to the checkout and to site-packages, so the table fits a screen.
    return re.sub(r"/\S*/site-packages/|" + re.escape(str(ROOT)) + "/", "", out.getvalue())


def prepare(plan: seeding.Plan, *, with_profile: bool = False) -> dict:
    """Seed `plan`, sign in, count queries (and profile the roster and the group's
    consent page); return what the runner needs, as plain data."""
    started = time.monotonic()
    seeded = seeding.seed(plan)
    seed_seconds = time.monotonic() - started
    clients = {
        "member": sign_in(new_client(), seeded.member.username),
        "staff": sign_in(new_client(), seeded.facilitator.username, seeded.totp_secret),
    }
    pages = pages_for(plan.name, seeded)
    count_queries(pages, clients)
    profiles = ""
    if with_profile:
        profiles = "".join(
            profile(page, clients[page.who])
            for page in pages
            if page.name in {"roster", "group consent page"}
        )
    return {
        "plan": plan.name,
        "seed_seconds": round(seed_seconds, 1),
        "counts": seeded.counts,
        "cookies": {who: cookie_header(client) for who, client in clients.items()},
        "pages": [asdict(page) for page in pages],
        "profile": profiles,
    }
