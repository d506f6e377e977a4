"""axe-core finds no WCAG 2.2 A or AA failures anywhere in the admin site that a partner
admin (Ruth) or an operator reaches.

The crawl starts at the admin index and follows the admin's own links: every app index,
every changelist and add form, for each model the first object's change form, and one
history page (they share one template). It goes no further (no filters, sorting or
deletes), so it stays as fast as it can.
axe catches only part of WCAG; this is a floor, not a ceiling.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.core.management import call_command

from sessions_app.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import DESKTOP

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    # Only failures are collected in full: gathering every pass on each of some seventy
    # pages would slow the crawl for nothing.
    "resultTypes": ["violations"],
}
AXE = Axe()

APP = re.compile(r"^/admin/[a-z_]+/$")
CHANGELIST = re.compile(r"^/admin/[a-z_]+/[a-z_]+/$")
ADD = re.compile(r"^/admin/[a-z_]+/[a-z_]+/add/$")
CHANGE = re.compile(r"^/admin/([a-z_]+/[a-z_]+)/[^/]+/change/$")
HISTORY = re.compile(r"^/admin/([a-z_]+/[a-z_]+)/[^/]+/history/$")


def admin_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parsed = urlparse(href)
        if parsed.path.startswith("/admin/") and not parsed.query:
            paths.append(parsed.path)
    return paths


def crawl(page, base: str) -> tuple[dict[str, object], dict[str, int]]:
    """Visit the admin pages reachable from the index and axe each one.

    Returns the results by path, and the links that did not open (path → status):
    a link she is shown but cannot follow is a promise that leads nowhere."""
    queue, seen, results, broken = ["/admin/"], set(), {}, {}
    changed_models, history_seen = set(), False
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or response.status != 200 or urlparse(page.url).path != path:
            broken[path] = response.status if response else 0
            continue
        results[path] = AXE.run(page, options=AXE_OPTIONS)
        for link in admin_links(page):
            if link in seen or link.endswith(("/logout/", "/delete/")):
                continue
            if APP.match(link) or CHANGELIST.match(link) or ADD.match(link):
                queue.append(link)
            elif (match := CHANGE.match(link)) and match[1] not in changed_models:
                changed_models.add(match[1])
                queue.append(link)
            elif HISTORY.match(link) and not history_seen:
                history_seen = True
                queue.append(link)
    return results, broken


def describe(failing: dict[str, object]) -> str:
    """Each failing node by page and rule, short enough to read in a test log."""
    lines = []
    for path, result in failing.items():
        for violation in result.response["violations"]:
            for node in violation["nodes"]:
                lines.append(f"{path} {violation['id']} {node['target']} {node['html'][:160]}")
    return "\n".join(lines)


RUTHS_PAGES = {
    "/admin/",
    "/admin/groups/",
    "/admin/groups/organisation/",
    "/admin/groups/organisation/<id>/change/",
    "/admin/groups/coprogroup/",
    "/admin/groups/coprogroup/<id>/change/",
    "/admin/groups/training/",
    "/admin/groups/training/add/",
    "/admin/groups/training/<id>/change/",
    "/admin/consent/",
    "/admin/consent/contactsharedwithcharity/",
}


def kinds(results) -> set[str]:
    return {re.sub(r"/\d+/", "/<id>/", path) for path in results}


def assert_no_failures(results, broken) -> None:
    assert not broken, f"links that do not open: {broken}"
    failing = {path: r for path, r in results.items() if r.violations_count}
    assert not failing, describe(failing)


@pytest.mark.browser
def test_no_axe_violations_on_any_admin_page_of_a_partner_admin(
    live_server, offline_context, sign_in_with_password
):
    call_command("seed_demo", stdout=io.StringIO())
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "ruth.patel@example.org", DEMO_PASSWORD)
    results, broken = crawl(page, live_server.url)
    assert kinds(results) >= RUTHS_PAGES
    assert any(HISTORY.match(path) for path in results)
    assert_no_failures(results, broken)


@pytest.mark.browser
def test_no_axe_violations_on_any_admin_page_of_an_operator(
    live_server, offline_context, sign_in_with_password
):
    call_command("seed_demo", stdout=io.StringIO())
    page = offline_context(**DESKTOP).new_page()
    sign_in_with_password(page, "admin@example.org", DEMO_PASSWORD)
    results, broken = crawl(page, live_server.url)
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        assert f"/admin/{app}/{name}/" in results, name
    assert any(HISTORY.match(path) for path in results)
    assert any(CHANGE.match(path) for path in results)
    assert_no_failures(results, broken)
