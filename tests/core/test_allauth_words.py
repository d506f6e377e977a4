"""allauth's pages speak in the portal's plain words: sentence case, one password hint,
no "contact us" with no contact, and a sign-in message that names nobody."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import password_validation
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

# Words that keep their capital inside a sentence ("Exit this page" is a name: the
# button of the shell, with GOV.UK's hidden "Emergency" before it).
PROPER = {"I", "Hearth", "OK", "Exit"}


class _Headings(HTMLParser):
    """The short texts a page is read by: title, headings, labels, legends, buttons."""

    TAGS = {"title", "h1", "h2", "h3", "label", "legend", "button"}

    def __init__(self):
        super().__init__()
        self.open: list[list[str]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag in self.TAGS or (tag == "a" and "btn" in classes):
            self.open.append([tag])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            text = " ".join("".join(self.open.pop()[1:]).split())
            if text:
                self.texts.append(text)

    def handle_data(self, data):
        for item in self.open:
            item.append(data)


def title_case_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w'’-]*", text.split(" – ")[0])
    return [w for w in words[1:] if w[0].isupper() and w not in PROPER]


def problems(response) -> list[str]:
    html = response.content.decode()
    parser = _Headings()
    parser.feed(html)
    found = [f"title case: {t!r}" for t in parser.texts if title_case_words(t)]
    if "contact us" in html.lower():
        found.append('"contact us", with no contact given')
    for hint in password_validation.password_validators_help_texts():
        if hint in html:
            found.append(f"a list of password rules: {hint!r}")
    return found


@pytest.fixture
def member(db):
    return UserFactory(username="sally", email="sally@example.org")


ANONYMOUS_PAGES = [
    "account_login",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
]
MEMBER_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_pages_before_signing_in_read_plainly(client, db, name):
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    assert problems(response) == []


def test_the_code_page_reads_plainly(client, member):
    client.post(reverse("account_request_login_code"), {"login": "sally@example.org"})
    response = client.get(reverse("account_confirm_login_code"))
    assert response.status_code == 200
    assert problems(response) == []


def test_a_spent_reset_link_reads_plainly(client, db):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x"})
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert problems(response) == []
    assert "support worker or facilitator" in response.content.decode()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_account_pages_read_plainly(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert problems(response) == []


def test_choosing_a_first_password_reads_plainly(client, member):
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)
    response = client.get(reverse("account_set_password"))
    assert response.status_code == 200
    assert problems(response) == []


def test_a_weak_new_password_gets_one_message(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert len(errors) == 1, errors


def test_signing_in_names_nobody(client, member):
    response = client.post(
        reverse("account_login"), {"login": "sally", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert "_auth_user_id" in client.session
    assert "Successfully" not in page
    assert "sally" not in page.lower().replace("sally@example.org", "")
    assert "You are signed in." in page


def test_signing_out_says_so_plainly(client, member):
    client.force_login(member)
    response = client.post(reverse("account_logout"), follow=True)
    assert "You are signed out." in response.content.decode()


@pytest.mark.parametrize("name", ["mfa_index", "mfa_activate_totp"])
def test_second_factor_pages_read_plainly(client, helen, name):
    client.force_login(helen)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert problems(response) == []


def test_the_second_check_at_sign_in_reads_plainly(client, helen):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(helen, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": "helen", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert problems(response) == []
