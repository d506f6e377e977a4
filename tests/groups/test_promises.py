"""Words that promise something the code does not do (issue 7, point 21): each page
says what really happens, and each hint agrees with the check behind it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse

from groups import services
from groups.forms.fields import PHONE_HINT, clean_phone
from groups.forms.member import SafeContactForm
from groups.forms.staff import InviteForm
from groups.models import Invitation


def html(response) -> str:
    return response.content.decode()


class Links(HTMLParser):
    """Every <a> on a page: its href, rel and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self._open["text"] = " ".join(self._open["text"].split())
            self.links.append(self._open)
            self._open = None


def links_of(page: str) -> list[dict]:
    parser = Links()
    parser.feed(page)
    return parser.links


# --- joining: nothing was sent to her ------------------------------------------------


def agreement_step(client, token: str) -> str:
    url = reverse("groups:join", args=[token])
    client.post(f"{url}?step=name", {"preferred_name": "Jade"})
    client.post(f"{url}?step=contact", {"channels": []})
    return html(client.get(f"{url}?step=agreement"))


@pytest.mark.parametrize(
    ("contact", "said"),
    [
        ({"email": "jade@example.org"}, "The email that came with your link."),
        ({"phone": "07700 900123"}, "The phone number that came with your link."),
        (
            {"email": "jade@example.org", "phone": "07700 900123"},
            "The email and phone number that came with your link.",
        ),
    ],
)
def test_the_join_step_does_not_say_the_link_was_sent(
    client, tuesday_group, helen, helen_fac, contact, said
):
    """Hearth never sends the link: the facilitator gives it to her by hand."""
    _, token = services.invitation_create(group=tuesday_group, acting_user=helen, **contact)
    page = agreement_step(client, token)
    assert "sent to" not in page
    assert said in page


def test_the_join_step_mentions_no_email_or_phone_when_the_link_had_none(
    client, tuesday_group, helen, helen_fac, dee
):
    _, token = services.invitation_create(
        group=tuesday_group, acting_user=helen, support_worker=dee
    )
    page = agreement_step(client, token)
    assert "sent to" not in page
    assert "came with your link" not in page
    assert "How you want us to contact you." in page


# --- the invite page says what it needs --------------------------------------------


def test_the_invite_page_says_what_it_needs_and_the_form_agrees(client, helen, helen_fac, dee):
    """Helen needs one way for the link to reach her: Precious has no email or phone
    she uses, so hers is Dee. The page says so, and an empty form is refused for that."""
    client.force_login(helen)
    url = reverse("groups:invite", args=[helen_fac.group_id])
    page = html(client.get(url))
    assert "Nothing here is needed" not in page
    assert "Give one way for the link to reach her" in page
    assert "her support worker, who passes it on" in page

    response = client.post(url, {})
    assert response.status_code == 200
    assert "Give her email address or phone number, or tick" in html(response)
    assert not Invitation.objects.exists()

    for way in (
        {"email": "maria@example.org"},
        {"phone": "07700 900123"},
        {"no_contact_details": "on", "support_worker": dee.pk},
    ):
        assert InviteForm(way, group=helen_fac.group).is_valid(), way


# --- the phone hint and the phone check agree --------------------------------------


def test_the_phone_hint_says_only_what_the_check_accepts():
    assert "only" not in PHONE_HINT
    examples = re.findall(r"\+?\d[\d ]*\d", PHONE_HINT)
    assert examples == ["07700 900123", "+44 7700 900123"]
    for example in examples:
        assert clean_phone(example) == example
    for refused in ("07700-900123", "(07700) 900123", "call me"):
        with pytest.raises(forms.ValidationError) as caught:
            clean_phone(refused)
        assert caught.value.messages == [PHONE_HINT]


def test_her_contact_form_shows_the_same_hint(sam):
    form = SafeContactForm({"channels": ["sms"], "phone": "07700-900123"})
    assert not form.is_valid()
    assert form.errors["phone"] == [PHONE_HINT]


# --- the exit page links to the advice it names --------------------------------------


def test_the_safety_advice_names_are_links_that_say_where_they_go(client):
    page = html(client.get(reverse("exit_explained")))
    outside = [a for a in links_of(page) if a["href"].startswith("http")]
    assert [(a["href"], a["text"]) for a in outside] == [
        (
            "https://refugetechsafety.org/secure-your-tech/",
            "Refuge: Secure your tech (refugetechsafety.org)",
        ),
        (
            "https://www.womensaid.org.uk/information-support/what-is-domestic-abuse/"
            "cover-your-tracks-online/",
            "Women's Aid: Cover your tracks online (womensaid.org.uk)",
        ),
    ]
    for link in outside:
        assert "noreferrer" in link["rel"].split()
        assert "target" not in link
    assert "They are on other websites." in page
