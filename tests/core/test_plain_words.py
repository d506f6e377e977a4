"""Member pages read plainly: every member page, rendered for a demo member with data,
scores at least 70 on the Flesch reading ease of its main text ("fairly easy" and
easier; plain English guidance aims there for a general audience).

The pages are found in the URL conf (every path under my/, and her home), not listed
by hand, so a page added later is scored too. What is scored is what she reads: the
<main> element's visible text (not the Exit this page widget, not visually hidden
words), each heading, label, button and list item taken as a sentence of its own.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
import textstat
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consent.models import ConsentPurpose, DataExport
from coproduction.accounts.models import User
from groups.models import Membership
from sessions_app.models import CheckIn
from sessions_app.session_access import sessions_of_member

LEAST_EASE = 70
DEMO_PASSWORD = "hearth-demo-2026"
# Elements that end a sentence when the words in them do not.
BLOCKS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "label", "legend", "button",
    "summary", "td", "th", "caption", "blockquote", "div", "a", "option",
}  # fmt: skip
UNREAD = {"script", "style", "template", "noscript"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col"}


class MainText(HTMLParser):
    """The visible words of <main>, a sentence per block element."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main> when > 0
        self.hidden: list[int] = []  # depths at which an unread element opened
        self.stack: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in VOID:
            return
        attrs = dict(attrs)
        self.stack.append(tag)
        if tag == "main":
            self.depth = len(self.stack)
        classes = (attrs.get("class") or "").split()
        if self.depth and (
            tag in UNREAD
            or "visually-hidden" in classes
            or "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or any(c.startswith("exit-this-page") for c in classes)
        ):
            self.hidden.append(len(self.stack))

    def handle_endtag(self, tag) -> None:
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            depth = len(self.stack) + 1
            if self.hidden and self.hidden[-1] == depth:
                self.hidden.pop()
            if open_tag in BLOCKS and self.depth:
                self.parts.append("\n")
            if depth == self.depth:
                self.depth = 0
            if open_tag == tag:
                break

    def handle_data(self, data) -> None:
        if self.depth and not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        sentences = []
        for line in "".join(self.parts).split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            sentences.append(line if line[-1] in ".?!:" else f"{line}.")
        return " ".join(sentences)


def main_text(page: str) -> str:
    parser = MainText()
    parser.feed(page)
    return parser.text()


def member_routes() -> list[tuple[str, list[str]]]:
    """(url name, its arguments' names) for every member page of the URL conf."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and route.startswith("my/") and pattern.name:
                found.append((namespace + pattern.name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture
def sam(db, client, settings, tmp_path):
    """Sam of the demo data, signed in just now with her password (so the pages that
    need a fresh sign-in open too)."""
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post(reverse("account_login"), {"login": "sam", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return User.objects.get(username="sam")


def pages_for(sam) -> list[tuple[str, str]]:
    """(label, url) of every member page with the demo's data filled into its path."""
    membership = Membership.objects.filter(user=sam, role=Membership.Role.MEMBER).first()
    export = DataExport.objects.create(member=sam)
    values = {
        "group_id": [membership.group_id],
        "slug": list(ConsentPurpose.objects.filter(is_active=True).values_list("slug", flat=True)),
        "contact_id": list(sam.support_contacts.values_list("pk", flat=True)[:1]),
        "contribution_id": list(sam.contributions.values_list("pk", flat=True)[:1]),
        "export_id": [export.pk],
        "request_id": [0],
        "step": ["how-often", "how", "when", "words", "if-no-answer"],
        "checkin_id": list(CheckIn.objects.filter(member=sam).values_list("pk", flat=True)[:1]),
        # Her next date, with its plan, and a past one whose note is shared.
        "session_id": [
            sessions_of_member(sam).upcoming().first().pk,
            sessions_of_member(sam).filter(note__status="shared").first().pk,
        ],
    }
    pages = [("member_home", reverse("member_home"))]
    for name, arguments in member_routes():
        if not arguments:
            pages.append((name, reverse(name)))
        elif len(arguments) == 1:
            for value in values[arguments[0]]:
                pages.append((f"{name} {value}", reverse(name, args=[value])))
    return pages


def test_every_member_page_reads_plainly(client, sam):
    scores, hard = {}, []
    for label, url in pages_for(sam):
        # Followed: a page with nothing to show her yet leads to the one that has.
        response = client.get(url, follow=True)
        if response.status_code in (403, 404, 405) or "html" not in response.get(
            "Content-Type", ""
        ):
            continue  # a form's target, a page for another member, or a download
        assert response.status_code == 200, (label, response.status_code)
        words = main_text(response.content.decode())
        assert words, label
        score = textstat.flesch_reading_ease(words)
        scores[label] = score
        if score < LEAST_EASE:
            hard.append(f"{label} ({url}): {score}\n  {words}")
    assert len(scores) >= 15, sorted(scores)
    assert not hard, "Pages that are hard to read:\n" + "\n".join(hard)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            '<body><div class="exit-this-page">Exit this page</div><main><h1>Your choices</h1>'
            '<p>You decide. <span class="visually-hidden">hidden words</span></p>'
            '<a href="/">Back<span class="visually-hidden"> to home</span></a></main>'
            "<footer>Sign out</footer></body>",
            "Your choices. You decide. Back.",
        ),
        ("<main><ul><li>One</li><li>Two?</li></ul><script>x()</script></main>", "One. Two?"),
    ],
)
def test_main_text_is_what_she_reads(page, expected):
    assert main_text(page) == expected
