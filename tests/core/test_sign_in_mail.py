"""Rule 3 at the sign-in door: every mail allauth sends asks the contact gate first and
is kept in the outbox; a sign-in code goes at once, anything else waits for her window.

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
from django.test import Client, TestCase
from django.urls import reverse

from coproduction.accounts.mail import ACCOUNT_KINDS, ACCOUNT_MAIL, SIGN_IN_CODE, account_mail_queue
from coproduction.accounts.models import User
from coproduction.outbox import services as outbox
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.contact import may_contact
from groups.models import Membership, SafeContactProfile
from tests.factories import PASSWORD, StaffFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
TUESDAY_LATE_MORNING = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 22, 0, tzinfo=LONDON)
# Maria's next safe window after Saturday night: seed_demo gives her weekdays from 9:00.
MONDAY_MORNING = dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)
UNKNOWN = "nobody@example.org"
CODE_SUBJECT = "Your code"
SAM_AND_NOBODY = ("07700 900123", "+44 7700 900999")
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
    its key, change the password, add an address and ask again for confirmation. What
    may go at once is sent as each request commits, as it is outside a test."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        _drive(user, address)


def _drive(user: User | None, address: str) -> None:
    client = _fresh()
    client.post(reverse("account_request_login_code"), {"login": address})
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
        waiting = Message.objects.filter(
            recipient__username="maria", kind=ACCOUNT_MAIL, status=Message.Status.PENDING
        )
        if at == SATURDAY_NIGHT:
            assert set(maria) == {CODE_SUBJECT}, "only the code goes outside her window"
            # The reset waits for her window, one of it however often it was asked for.
            assert [m.due_at for m in waiting] == [MONDAY_MORNING]
        else:
            assert set(maria) > {CODE_SUBJECT}, "in her window the reset link goes too"
            assert not waiting.exists()
        Message.objects.all().delete()


def test_a_reset_asked_for_outside_her_window_is_sent_in_it_once(demo, mailoutbox):
    Message.objects.exclude(kind__in=ACCOUNT_KINDS).delete()  # the demo's own messages
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        for _ in range(3):
            with TestCase.captureOnCommitCallbacks(execute=True):
                _fresh().post(reverse("account_reset_password"), {"email": "maria@example.org"})
    assert mailoutbox == []
    assert Message.objects.filter(kind=ACCOUNT_MAIL, status=Message.Status.CANCELLED).count() == 2
    for at in (MONDAY_MORNING, MONDAY_MORNING + dt.timedelta(minutes=5)):
        for message_id in outbox.due_sweep(now=at):
            outbox.message_deliver(message_id=message_id, now=at)
    assert [m.to for m in mailoutbox] == [["maria@example.org"]]
    assert "password" in mailoutbox[0].body.lower()


def test_a_code_that_could_not_go_at_once_is_tried_again(db, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.core.test_sign_in_mail.RefusingMailServer"
    staff = StaffFactory(username="ann", email="ann@example.org")
    with TestCase.captureOnCommitCallbacks(execute=True):
        _fresh().post(reverse("account_request_login_code"), {"login": "ann@example.org"})
    message = Message.objects.get(recipient=staff, kind=SIGN_IN_CODE)
    assert message.status == Message.Status.PENDING and message.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.message_deliver(message_id=message.pk, now=message.due_at)
    assert [m.subject for m in mailoutbox] == [CODE_SUBJECT]


class RefusingMailServer:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError


def test_a_member_who_has_left_can_still_get_a_code(db, mailoutbox):
    kim = UserFactory(username="kim", email="kim@example.org")
    SafeContactProfile.objects.create(member=kim, channels=[Channel.EMAIL])
    Membership.objects.create(
        user=kim, group=_group(), role=Membership.Role.MEMBER, status=Membership.Status.LEFT
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        _fresh().post(reverse("account_request_login_code"), {"login": "kim@example.org"})
        _fresh().post(reverse("account_reset_password"), {"email": "kim@example.org"})
    assert [m.subject for m in mailoutbox] == [CODE_SUBJECT]


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
    Membership.objects.create(
        user=member, group=_group(), role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        _fresh().post(reverse("account_request_login_code"), {"login": "KIM@example.org"})
        _fresh().post(reverse("account_reset_password"), {"email": "kim@example.org"})
    assert [m.to for m in mailoutbox] == [["kim@example.org"], ["kim@example.org"]]
    reset = mailoutbox[1].body
    assert "kim" not in reset.lower().replace("kim@example.org", "")
    assert "hearth" not in (mailoutbox[1].subject + reset).lower()


def test_staff_mail_goes_to_the_work_address_only(db, mailoutbox):
    staff = StaffFactory(username="wendy", email="wendy.work@example.org")
    SafeContactProfile.objects.create(member=staff, channels=[])
    with TestCase.captureOnCommitCallbacks(execute=True):
        _fresh().post(reverse("account_reset_password"), {"email": "wendy.work@example.org"})
    assert [m.to for m in mailoutbox] == [["wendy.work@example.org"]]
    assert "password" in mailoutbox[0].body.lower()


GATE_CALLS: list[tuple[str, dict]] = []


def refusing_gate(user, **kwargs):
    """A gate that says no to everyone, to show the setting is what is asked."""
    GATE_CALLS.append((user.username, kwargs))
    return SimpleNamespace(allowed=False, should_wait=False, reason="A test gate.")


def test_the_gate_is_named_in_settings(db, settings, mailoutbox):
    GATE_CALLS.clear()
    settings.HEARTH_CONTACT_GATE = "tests.core.test_sign_in_mail.refusing_gate"
    member = UserFactory(username="lee", email="lee@example.org")
    SafeContactProfile.objects.create(member=member, channels=[Channel.EMAIL])
    _fresh().post(reverse("account_request_login_code"), {"login": "lee@example.org"})
    assert GATE_CALLS == [("lee", {"channel": "email", "login_code": True})]
    assert mailoutbox == []


def test_account_mail_refuses_another_address_and_an_inactive_account(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    staff = StaffFactory(username="ann", email="ann@example.org")
    mail = EmailMessage("s", "b", to=["ANN@example.org"])
    assert (
        account_mail_queue(EmailMessage("s", "b", to=["other@example.org"]), recipient=staff)
        is None
    )
    assert account_mail_queue(mail, recipient=None) is None
    staff.is_active = False
    assert account_mail_queue(mail, recipient=staff) is None
    staff.is_active = True
    with django_capture_on_commit_callbacks(execute=True):
        kept = account_mail_queue(mail, recipient=staff)
    assert kept is not None and kept.kind == ACCOUNT_MAIL
    assert [m.to for m in mailoutbox] == [["ann@example.org"]]


def _page_text(response) -> str:
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.mark.parametrize(
    ("ask", "done", "field", "more"),
    [
        # A code may be asked for by mobile number too: Sam's, and one nobody has.
        ("account_request_login_code", "account_confirm_login_code", "login", SAM_AND_NOBODY),
        ("account_reset_password", "account_reset_password_done", "email", ()),
    ],
)
def test_the_page_after_asking_reads_the_same_for_every_address(
    db, mailoutbox, ask, done, field, more
):
    maria = UserFactory(username="maria", email="maria@example.org")
    SafeContactProfile.objects.create(
        member=maria, channels=[Channel.EMAIL], safe_days=list(range(7)),
        safe_from=dt.time(0), safe_until=dt.time(23, 59),
    )  # fmt: skip
    sam = UserFactory(username="sam", email="sam@example.org")
    SafeContactProfile.objects.create(member=sam, channels=[Channel.SMS], phone="07700 900123")
    jade = UserFactory(username="jade", email="jade@example.org")
    Membership.objects.create(user=jade, group=_group(), status=Membership.Status.STEPPED_BACK)
    Membership.objects.create(
        user=maria, group=_group(), role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
    )
    pages = {}
    for address in ("maria@example.org", "sam@example.org", "jade@example.org", UNKNOWN, *more):
        client = _fresh()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse(ask), {field: address}, follow=True)
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
