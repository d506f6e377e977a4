"""Rule 3 at the sign-in door: every mail allauth sends asks the contact gate first.

Each flow that can send mail is driven for every demo account and for an address with
no account, at a time inside the demo's safe windows and at one outside them; anything
that reaches an address its owner has not said is safe now fails the test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coproduction.accounts.models import User
from coproduction.core.mail import send_mail_if_safe
from coproduction.outbox.channels import Channel
from groups.contact import may_contact
from groups.models import Membership, SafeContactProfile
from tests.factories import PASSWORD, StaffFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
TUESDAY_LATE_MORNING = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 22, 0, tzinfo=LONDON)
UNKNOWN = "nobody@example.org"
CODE_SUBJECT = "Your code"
NEXT_STEP = ("sign in with your password", "ask your support worker or facilitator")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    return list(User.objects.order_by("username"))


def _fresh():
    # Each flow starts with empty rate-limit counters, so only the gate decides.
    cache.clear()
    return Client()


def drive_every_mail_flow(user: User | None, address: str) -> None:
    """Ask for a code, a new code, a password reset; then, signed in, finish a reset from
    its key, change the password, add an address and ask again for confirmation."""
    client = _fresh()
    client.post(reverse("account_request_login_code"), {"email": address})
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    _fresh().post(reverse("account_reset_password"), {"email": address})
    if user is None:
        return
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y"})
    url = url.replace("x-y", key)
    client = _fresh()
    page = client.get(url)
    if page.status_code == 302:
        client.post(page["Location"], {"password1": PASSWORD + "!", "password2": PASSWORD + "!"})
    user.refresh_from_db()
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    client = _fresh()
    client.force_login(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": PASSWORD + "?", "password2": PASSWORD + "?"},
    )
    client.post(reverse("account_email"), {"action_add": "", "email": f"new.{user.pk}@example.org"})
    if user.email:
        client.post(reverse("account_email"), {"action_send": "", "email": user.email})


def assert_every_message_was_safe(outbox, at: dt.datetime) -> None:
    for message in outbox:
        assert len(message.to) == 1, message.to
        owner = User.objects.filter(email__iexact=message.to[0]).first()
        assert owner is not None, f"mail to an address with no account: {message.to}"
        if owner.is_member:
            login_code = message.subject == CODE_SUBJECT
            decision = may_contact(owner, channel=Channel.EMAIL, at=at, login_code=login_code)
            assert decision.allowed, (owner.username, message.subject, decision.reason)


def received(outbox, username: str) -> list[str]:
    address = User.objects.get(username=username).email.lower()
    return sorted(m.subject for m in outbox if address and m.to[0].lower() == address)


def test_no_flow_mails_anyone_in_a_way_she_has_not_said_is_safe(demo, mailoutbox):
    for at in (TUESDAY_LATE_MORNING, SATURDAY_NIGHT):
        mailoutbox.clear()
        with time_machine.travel(at, tick=False):
            for user in demo:
                drive_every_mail_flow(user, user.email or user.username)
            drive_every_mail_flow(None, UNKNOWN)
            assert_every_message_was_safe(mailoutbox, at)

        assert not [m for m in mailoutbox if UNKNOWN in m.to]
        # Sam allows text messages only; Precious has no e-mail and is reached through Dee.
        assert received(mailoutbox, "sam") == []
        assert not [m for m in mailoutbox if "precious" in " ".join(m.to)]
        # Jade has stepped back: her code, which she asked for, but nothing else.
        assert set(received(mailoutbox, "jade")) == {CODE_SUBJECT}
        # Staff are reached at their work address, and only there.
        assert CODE_SUBJECT in received(mailoutbox, "helen")
        assert not [m for m in mailoutbox if m.to[0].startswith("new.")]
        maria = received(mailoutbox, "maria")
        assert CODE_SUBJECT in maria
        if at == SATURDAY_NIGHT:
            assert set(maria) == {CODE_SUBJECT}, "only the code goes outside her window"
        else:
            assert set(maria) > {CODE_SUBJECT}, "in her window the reset link goes too"


def test_a_member_with_no_safe_contact_choices_gets_nothing(db, mailoutbox):
    UserFactory(username="quiet", email="quiet@example.org")
    drive_every_mail_flow(User.objects.get(username="quiet"), "quiet@example.org")
    assert mailoutbox == []


def test_a_member_who_allows_email_gets_her_code_and_reset(db, mailoutbox):
    member = UserFactory(username="kim", email="kim@example.org")
    SafeContactProfile.objects.create(
        member=member, channels=[Channel.EMAIL], safe_days=[0, 1, 2, 3, 4, 5, 6],
        safe_from=dt.time(0), safe_until=dt.time(23, 59),
    )  # fmt: skip
    _fresh().post(reverse("account_request_login_code"), {"email": "KIM@example.org"})
    _fresh().post(reverse("account_reset_password"), {"email": "kim@example.org"})
    assert [m.to for m in mailoutbox] == [["kim@example.org"], ["kim@example.org"]]
    reset = mailoutbox[1].body
    assert "kim" not in reset.lower().replace("kim@example.org", "")
    assert "hearth" not in (mailoutbox[1].subject + reset).lower()


def test_staff_mail_goes_to_the_work_address_only(db, mailoutbox):
    staff = StaffFactory(username="wendy", email="wendy.work@example.org")
    SafeContactProfile.objects.create(member=staff, channels=[])
    _fresh().post(reverse("account_reset_password"), {"email": "wendy.work@example.org"})
    assert [m.to for m in mailoutbox] == [["wendy.work@example.org"]]
    assert "password" in mailoutbox[0].body.lower()


GATE_CALLS: list[tuple[str, dict]] = []


def refusing_gate(user, **kwargs):
    """A gate that says no to everyone, to show the setting is what is asked."""
    GATE_CALLS.append((user.username, kwargs))
    return SimpleNamespace(allowed=False, reason="A test gate.")


def test_the_gate_is_named_in_settings(db, settings, mailoutbox):
    GATE_CALLS.clear()
    settings.HEARTH_CONTACT_GATE = "tests.core.test_sign_in_mail.refusing_gate"
    member = UserFactory(username="lee", email="lee@example.org")
    SafeContactProfile.objects.create(member=member, channels=[Channel.EMAIL])
    _fresh().post(reverse("account_request_login_code"), {"email": "lee@example.org"})
    assert GATE_CALLS == [("lee", {"channel": "email", "login_code": True})]
    assert mailoutbox == []


def test_send_mail_if_safe_refuses_another_address_and_an_inactive_account(db, mailoutbox):
    from django.core.mail import EmailMessage

    staff = StaffFactory(username="ann", email="ann@example.org")
    assert not send_mail_if_safe(EmailMessage("s", "b", to=["other@example.org"]), recipient=staff)
    assert not send_mail_if_safe(EmailMessage("s", "b", to=["ann@example.org"]), recipient=None)
    staff.is_active = False
    assert not send_mail_if_safe(EmailMessage("s", "b", to=["ann@example.org"]), recipient=staff)
    staff.is_active = True
    assert send_mail_if_safe(EmailMessage("s", "b", to=["ANN@example.org"]), recipient=staff)
    assert len(mailoutbox) == 1


def _page_text(response) -> str:
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.mark.parametrize(
    ("ask", "done"),
    [
        ("account_request_login_code", "account_confirm_login_code"),
        ("account_reset_password", "account_reset_password_done"),
    ],
)
def test_the_page_after_asking_reads_the_same_for_every_address(db, mailoutbox, ask, done):
    maria = UserFactory(username="maria", email="maria@example.org")
    SafeContactProfile.objects.create(
        member=maria, channels=[Channel.EMAIL], safe_days=list(range(7)),
        safe_from=dt.time(0), safe_until=dt.time(23, 59),
    )  # fmt: skip
    sam = UserFactory(username="sam", email="sam@example.org")
    SafeContactProfile.objects.create(member=sam, channels=[Channel.SMS], phone="07700 900123")
    jade = UserFactory(username="jade", email="jade@example.org")
    Membership.objects.create(user=jade, group=_group(), status=Membership.Status.STEPPED_BACK)
    pages = {}
    for address in ("maria@example.org", "sam@example.org", "jade@example.org", UNKNOWN):
        client = _fresh()
        response = client.post(reverse(ask), {"email": address}, follow=True)
        assert response.redirect_chain[-1][0] == reverse(done)
        pages[address] = _page_text(response).replace(address, "ADDRESS")
    assert len(mailoutbox) >= 1, "Maria may be mailed, so something was sent"
    assert len(set(pages.values())) == 1
    page = pages[UNKNOWN]
    for words in NEXT_STEP:
        assert words in page


def _group():
    from tests.factories import CoproGroupFactory

    return CoproGroupFactory()
