"""Exit this page's words are the template's, so they are translated with the page:
the script (which the CSP keeps out of the page) holds none of its own."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

WORDS = {
    "data-i18n-activated": "Loading.",
    "data-i18n-timed-out": "Exit this page expired.",
    "data-i18n-press-two-more-times": "Shift, press 2 more times to exit.",
    "data-i18n-press-one-more-time": "Shift, press 1 more time to exit.",
}


def test_the_page_gives_the_script_its_words(client, sam):
    client.force_login(sam)
    html = client.get(reverse("member_home")).content.decode()
    root = re.search(r"<div class=\"exit-this-page\" data-exit-this-page(.*?)>", html, re.S)
    attributes = dict(re.findall(r'(data-i18n-[a-z-]+)="([^"]*)"', root.group(1)))
    assert attributes == WORDS
    assert '<span class="visually-hidden">Emergency</span> Exit this page' in html
    assert re.search(
        r'<a [^>]*href="/exit/"[^>]*data-exit-this-page-skiplink>Exit this page</a>', html
    )


def test_the_script_holds_no_words_of_its_own():
    script = (settings.BASE_DIR / "static" / "js" / "exit-this-page.js").read_text()
    code = "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))
    strings = re.findall(r'"([^"]*)"', code)
    shown = [s for s in strings if re.search(r"[A-Z][a-z]+ |\.$", s)]
    assert shown == []
    for words in WORDS.values():
        assert words not in code
