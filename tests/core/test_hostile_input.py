"""Hostile input to every form finds no server error (issue 7, point 12).

Every page of the URL conf and every page of the admin site is opened as the person it is
for; each `<form>` on it is read with the stdlib HTML parser (so a field added later is
sent too) and posted hostile values: empty, a megabyte, NUL, right-to-left overrides and
zero-width characters, markup, text for numbers and dates, out-of-range numbers,
duplicated and missing fields. Nothing may answer 5xx. Against PostgreSQL, as CI runs.

The coverage tests fail on a URL that no entry below reaches, or on a form that posts
somewhere the test does not fuzz, so a new page must be added here to pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from fido2.cose import ES256
from fido2.utils import websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import services as consent_services
from consent.models import ConsentPurpose, Contribution
from coproduction.accounts import services as accounts_services
from coproduction.accounts.models import User
from coproduction.outbox import services as outbox_services
from groups import services as groups_services
from groups.models import AgreementComment, AgreementVersion, Membership, SupportContact
from sessions_app.models import (
    CheckIn,
    GroupSession,
    PassOn,
    ServiceChange,
    SessionNote,
    SupportRequest,
)
from sessions_app.services import calendar as calendar_services
from sessions_app.services import sessions as session_services
from tests.conftest import ensure_purposes, need

DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105 - seed_demo's password for every account


def examples(count: int):
    """A few examples, the same on every run, so CI stays fast and a failure repeats."""
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


MEGABYTE = "x" * 1_000_000
HOSTILE = [
    "",
    "   ",
    "a\x00b",
    "\u202eexe.txt\u202c",
    "\u200b\u200c\u200d\u2060\ufeff",
    "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>",
    "twelve",
    "2026-02-30",
    "9" * 40,
    "-1",
    "1e999",
    "9999-12-31",
    "0001-01-01",
    "25:61",
    "' OR 1=1 --",
    "../../etc/passwd",
    "America",
    "👩🏽\u200d🦱 Zoë ﷽",
    "a\r\nb\rc\n",
    "%s%n{0}{{x}}",
    "a@b@c",
]


# --- reading forms -----------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str
    defaults: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None, *, selected: bool) -> None:
        entry = self.fields.setdefault(name, Field(name, kind))
        if value is not None:
            entry.options.append(value)
            if selected:
                entry.defaults.append(value)


class FormParser(HTMLParser):
    """Every <form> of a page: its method, action and named fields with their values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.option: dict | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self.form)
        elif self.form is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            checkable = kind in {"checkbox", "radio", "submit", "image"}
            value = a.get("value", "on" if kind == "checkbox" else "")
            self.form.add(a["name"], kind, value, selected=not checkable or "checked" in a)
        elif tag == "button":
            self.form.add(a["name"], "submit", a.get("value", ""), selected=False)
        elif tag == "select":
            self.select = a["name"]
            self.form.fields.setdefault(self.select, Field(self.select, "select"))
        elif tag == "option" and self.select:
            self.option, self.text = a, ""
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None and self.form and self.select:
            value = self.option.get("value", self.text.strip())
            self.form.add(self.select, "select", value, selected="selected" in self.option)
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.form and self.textarea:
            self.form.add(self.textarea, "textarea", self.text.lstrip("\n"), selected=True)
            self.textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# What a person would type into a field left empty, so that a form can get past its own
# validation and the hostile value in another field reaches the services and the database.
FILLERS = {
    "email": "new.person@example.org",
    "date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    "time": "10:00",
    "number": "1",
    "tel": "07700 900123",
    "password": "a-long-Passphrase-2026",
    "url": "https://meet.example.org/tuesday",
}
# By name, where the kind's filler cannot pass: a session ends after it starts.
NAMED_FILLERS = {"ends": "12:00"}


def default(entry: Field) -> list[str]:
    """The value the page shows, or a plausible one where it shows none."""
    if entry.kind in {"checkbox", "radio", "submit", "image", "select"}:
        return entry.defaults or entry.options[:1]
    if entry.defaults and any(entry.defaults):
        return entry.defaults
    if entry.kind == "hidden" or entry.name == "csrfmiddlewaretoken":
        return entry.defaults
    return [NAMED_FILLERS.get(entry.name) or FILLERS.get(entry.kind, "Sam")]


NOT_FUZZED = ("csrfmiddlewaretoken",)


def fuzzed_fields(form: Form) -> list[Field]:
    return [entry for entry in form.fields.values() if entry.name not in NOT_FUZZED]


def fields_strategy(form: Form):
    """Per field: the page's value, missing, one or two hostile values, or any text."""
    hostile = st.sampled_from(HOSTILE)

    def one(entry: Field):
        return st.one_of(
            st.just(default(entry)),
            st.just([]),
            st.lists(st.one_of(hostile, st.sampled_from(entry.options or [""])), max_size=2),
            st.lists(hostile, min_size=1, max_size=2),
            st.text(max_size=30).map(lambda text: [text]),
        )

    return st.fixed_dictionaries({entry.name: one(entry) for entry in fuzzed_fields(form)})


TEXT_KINDS = {"text", "textarea", "email", "search", "tel", "password", "url"}
# Markup, right-to-left override, zero-width characters, emoji, line ends, format strings
# and SQL in one value: none of them may break a page, so they are sent together.
MIXED_TEXT = (
    "\u202e<script>alert(1)</script>\u200b\u200d\ufeff 👩🏽\u200d🦱 Zoë\r\n%s{0}' OR 1=1 --"
)
EVERY_FIELD = ["", "a\x00b", MIXED_TEXT, "twelve", "9" * 40, "-1", "0001-01-01", "America"]
EVERY_FIELD_LIGHT = ["a\x00b", MIXED_TEXT, "9" * 40, "-1"]


def explicit_payloads(form: Form, *, light: bool = False) -> list[dict[str, list[str]]]:
    """The form as the page shows it; nothing at all; each hostile value in every field at
    once; a megabyte in its first text field; and every field sent twice."""
    entries = fuzzed_fields(form)
    defaults = {entry.name: default(entry) for entry in entries}
    payloads: list[dict[str, list[str]]] = [defaults, {}]
    values = EVERY_FIELD_LIGHT if light else EVERY_FIELD
    payloads += [{entry.name: [value] for entry in entries} for value in values]
    texts = [entry.name for entry in entries if entry.kind in TEXT_KINDS]
    if texts:
        payloads.append({**defaults, texts[0]: [MEGABYTE]})
    if not light:
        payloads.append({name: [*values, MIXED_TEXT] for name, values in defaults.items()})
    return payloads


# --- the world: seed_demo once for the module, everything else rolled back ------------


@dataclass
class World:
    users: dict[str, User]
    kwargs: dict[str, dict]
    token: str
    totp_secret: str


def security_key_registration() -> dict:
    """What a browser sends when a security key is registered ("none" attestation), made
    with a key of our own: the passkey pages then open as they do for a real key."""
    key = ec.generate_private_key(ec.SECP256R1())
    credential = AttestedCredentialData.create(
        b"\0" * 16, os.urandom(16), ES256.from_cryptography_key(key.public_key())
    )
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"testserver").digest(), flags, 0, credential
    )
    client_data = CollectedClientData.create("webauthn.create", b"hearth", "http://testserver")
    credential_id = websafe_encode(credential.credential_id)
    return {
        "id": credential_id,
        "rawId": credential_id,
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(
                bytes(AttestationObject.create("none", auth_data, {}))
            ),
        },
        "clientExtensionResults": {},
    }


def _world() -> World:
    users = {user.username: user for user in User.objects.all()}
    sam, helen, lou, amira, kerry = (users[n] for n in ("sam", "helen", "lou", "amira", "kerry"))
    sam_membership = Membership.objects.current().members().get(user=sam)
    group = sam_membership.group
    draft = AgreementVersion.objects.filter(group=group, status=AgreementVersion.Status.DRAFT)
    contact = SupportContact.objects.filter(member=sam).first() or (
        groups_services.support_contact_add(
            member=sam, acting_user=sam, kind=SupportContact.Kind.SUPPORT_WORKER, staff_user=helen
        )
    )
    contribution = Contribution.objects.filter(member=sam).first() or (
        consent_services.contribution_add(
            group=group, member=sam, kind=Contribution.Kind.IDEA, text="Idea", acting_user=helen
        )
    )
    proposal = AgreementComment.objects.filter(
        version__group=group, kind=AgreementComment.Kind.PROPOSAL
    ).first()
    erasure = consent_services.erasure_request(member=lou, acting_user=lou)
    _link, password_token = accounts_services.password_link_create(
        member=users["precious"], acting_user=helen
    )
    _invitation, token = groups_services.invitation_create(
        group=group, acting_user=helen, email="new.person@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(amira, secret)
    RecoveryCodes.activate(amira)
    webauthn = WebAuthn.add(amira, "Key", security_key_registration()).instance
    kerry.set_unusable_password()
    # Kerry's check-in of today (seed_demo), sent now, since she said any time is fine.
    checkin = CheckIn.objects.get(member=kerry)
    outbox_services.message_deliver(message_id=checkin.message_id)
    support_request = SupportRequest.objects.open().get(member=sam)
    pass_on = PassOn.objects.get(member=users["precious"])
    kerry.save(update_fields=["password"])
    # A confirmation link is for an address not yet confirmed.
    unconfirmed = EmailAddress.objects.create(user=sam, email="sam.new@example.org")
    # seed_demo's Tuesday dates: the last one held (its note shared), the next one
    # published with its plan, and Helen's draft, given a plan here so that its page
    # shows every planning form at once (publish, roster, move and remove a part).
    tuesday = GroupSession.objects.filter(group=group).order_by("starts_at", "pk")
    held = tuesday.filter(status=GroupSession.Status.HELD, note__isnull=False).last()
    coming = tuesday.filter(
        status=GroupSession.Status.PUBLISHED, starts_at__gt=timezone.now()
    ).first()
    draft_session = tuesday.filter(status=GroupSession.Status.DRAFT).first()
    session_services.agenda_item_save(
        session=draft_session, acting_user=helen, purpose="Welcome and tea"
    )
    change = ServiceChange.objects.filter(group=group, status=ServiceChange.Status.DONE).first()
    feed_secret = calendar_services.feed_create(person=users["maria"])
    group_id = {"group_id": group.pk}
    member = {**group_id, "membership_id": sam_membership.pk}
    kwargs = {
        "group": group_id,
        "member": member,
        "version": {**group_id, "version_id": draft.first().pk},
        "proposal": {**group_id, "comment_id": proposal.pk},
        "password_token": {"token": password_token},
        "contact": {"contact_id": contact.pk},
        "contribution": {"contribution_id": contribution.pk},
        "slug": {"slug": ConsentPurpose.objects.order_by("order").first().slug},
        "export": {"export_id": 999_999},
        "erasure": {"request_id": erasure.pk},
        "erasure_staff": {**group_id, "request_id": erasure.pk},
        "token": {"token": token},
        "confirm_email": {"key": EmailConfirmationHMAC(unconfirmed).key},
        "reset_key": {
            "uidb36": user_pk_to_url_str(sam),
            "key": default_token_generator.make_token(sam),
        },
        "webauthn": {"pk": webauthn.pk},
        "step": {"step": "how-often"},
        "checkin": {"checkin_id": checkin.pk},
        "support_request": {**group_id, "request_id": support_request.pk},
        "message": {**group_id, "message_id": checkin.message_id},
        "pass_on": {**group_id, "pass_on_id": pass_on.pk},
        "held": {**group_id, "session_id": held.pk},
        "coming": {**group_id, "session_id": coming.pk},
        "draft_session": {**group_id, "session_id": draft_session.pk},
        "item": {
            **group_id,
            "session_id": draft_session.pk,
            "item_id": draft_session.agenda.first().pk,
        },
        "change": {**group_id, "change_id": change.pk},
        "her_held": {"session_id": held.pk},
        "her_coming": {"session_id": coming.pk},
        "her_item": {"session_id": coming.pk, "item_id": coming.agenda.first().pk},
        "feed": {"secret": feed_secret},
    }
    return World(users=users, kwargs=kwargs, token=token, totp_secret=secret)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo people, made once; each test and each request runs in a savepoint.
    PostgreSQL only: SQLite stores the NULs and over-long values that PostgreSQL refuses."""
    need(connection.vendor == "postgresql", "PostgreSQL")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=tmp_path_factory.mktemp("var"), PASSWORD_HASHERS=fast),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # A live-server test before this module may have flushed the purposes away.
            ensure_purposes()
            call_command("seed_demo", stdout=io.StringIO())
            yield _world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def signed_in(world: World, persona: str | None) -> Client:
    """A client signed in through the real sign-in form (and second factor), so that pages
    asking for a fresh sign-in open too."""
    client = Client(raise_request_exception=False)
    if persona is None:
        return client
    if not world.users[persona].has_usable_password():
        client.force_login(world.users[persona])
        return client
    response = client.post("/accounts/login/", {"login": persona, "password": DEMO_PASSWORD})
    if response.status_code == 302 and response["Location"].startswith("/accounts/2fa/"):
        code = format_hotp_value(hotp_value(world.totp_secret, int(time.time()) // 30))
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302, f"{persona} could not sign in"
    return client


def request_code(world: World, client: Client) -> None:
    """Sign-in by code: the confirm page needs a code to have been asked for first."""
    client.post("/accounts/login/code/", {"login": world.users["sam"].email})


def reauthenticate(world: World, client: Client) -> None:
    """The second-factor settings ask for the password again first."""
    client.post("/accounts/reauthenticate/", {"password": DEMO_PASSWORD})


def stage_mfa(world: World, client: Client) -> None:
    """The second-factor page needs a password sign-in waiting for its code."""
    client.post("/accounts/login/", {"login": "amira", "password": DEMO_PASSWORD})


def _held_note(world: World) -> SessionNote:
    return SessionNote.objects.get(session_id=world.kwargs["held"]["session_id"])


def note_draft(world: World, client: Client) -> None:
    """The held date's note back to a draft, so its page shows the form to write it and
    the button to send it to be checked."""
    SessionNote.objects.filter(pk=_held_note(world).pk).update(
        status=SessionNote.Status.DRAFT, approved_by=None, shared_at=None
    )


def note_to_check(world: World, client: Client) -> None:
    """The held date's note waiting to be checked, written last by Amira, so Helen may
    check and share it."""
    SessionNote.objects.filter(pk=_held_note(world).pk).update(
        status=SessionNote.Status.TO_CHECK,
        drafted_by=world.users["amira"],
        approved_by=None,
        shared_at=None,
    )


def representative_check(world: World, client: Client) -> None:
    """Lou represents the members (seed_demo does not make her one), and the held date's
    note waits for her to check it."""
    note_to_check(world, client)
    Membership.objects.filter(
        user=world.users["lou"], group_id=world.kwargs["group"]["group_id"]
    ).update(represents_members=True)


def member_feed(world: World, client: Client) -> None:
    """Sam has a calendar address, so her page shows the button to stop it."""
    calendar_services.feed_create(person=world.users["sam"])


def staff_feed(world: World, client: Client) -> None:
    """Helen has a calendar address, so her page shows the button to stop it."""
    calendar_services.feed_create(person=world.users["helen"])


# --- every page of the URL conf, the person it is for, and where its form is ----------


@dataclass(frozen=True)
class Page:
    persona: str | None
    kwargs: str | None = None
    source: str | None = None  # the page whose form posts here, when not the page itself
    prepare: Callable | None = None
    form: bool = True
    status: int = 200


MEMBER, FACILITATOR, SUPPORT_WORKER, MFA_STAFF = "sam", "helen", "dee", "amira"
PAGES: dict[str, Page] = {
    "home": Page(MEMBER, form=False, status=302),
    "member_home": Page(MEMBER, form=False),
    "staff_home": Page(FACILITATOR, form=False),
    "exit": Page(MEMBER, form=False, status=302),
    "exit_explained": Page(None, form=False),
    "healthz": Page(None, form=False),
    "groups:join": Page(None, "token"),
    "groups:my_details": Page(MEMBER),
    "groups:my_contact": Page(MEMBER),
    "groups:my_support_contacts": Page(MEMBER),
    "groups:my_support_contact_remove": Page(MEMBER, "contact", "groups:my_support_contacts"),
    "groups:my_support_plan": Page(MEMBER),
    "groups:my_support_plan_sharing": Page(MEMBER),
    "groups:my_support_plan_views": Page(MEMBER, form=False),
    "groups:my_step_back": Page(MEMBER, "group"),
    "groups:my_come_back": Page("jade", "group", "member_home"),
    "groups:my_leave": Page(MEMBER, "group"),
    "groups:my_agreement": Page(MEMBER, "group"),
    "groups:my_agreement_comment": Page(MEMBER, "group", "groups:my_agreement"),
    "groups:roster": Page(FACILITATOR, "group", form=False),
    "groups:invite": Page(FACILITATOR, "group"),
    "groups:member_detail": Page(FACILITATOR, "member", form=False),
    "groups:member_support_plan": Page(SUPPORT_WORKER, "member", form=False),
    "groups:group_training": Page(FACILITATOR, "group", form=False),
    "groups:my_training": Page(FACILITATOR),
    "groups:agreement_drafts": Page(FACILITATOR, "group"),
    "groups:agreement_edit": Page(FACILITATOR, "version"),
    "groups:agreement_publish": Page(FACILITATOR, "version"),
    "groups:agreement_proposal_answer": Page(FACILITATOR, "proposal"),
    "groups:member_password_link": Page(FACILITATOR, "member", "groups:member_detail"),
    "accounts:new_password": Page(None, "password_token"),
    "consent:my_choices": Page(MEMBER, form=False),
    "consent:my_choice_history": Page(MEMBER, form=False),
    "consent:my_choice_set": Page(MEMBER, "slug"),
    "consent:my_more": Page(MEMBER, form=False),
    "consent:my_who_looked": Page(MEMBER, form=False),
    "consent:my_contributions": Page(MEMBER),
    "consent:my_contribution_visibility": Page(MEMBER, "contribution", "consent:my_contributions"),
    "consent:my_who_sees_what": Page(MEMBER, form=False),
    "consent:my_data": Page(MEMBER, form=False),
    "consent:my_data_download_request": Page(MEMBER, source="consent:my_data"),
    "consent:my_data_download": Page(MEMBER, "export", form=False, status=404),
    "consent:my_data_erase": Page(MEMBER),
    "consent:my_erase_withdraw": Page("lou", "erasure", "consent:my_data"),
    # The providers' webhooks take no form: tests/sessions_app/test_replies.py.
    "sessions_app:twilio_reply": Page(None, form=False, status=405),
    "sessions_app:notify_reply": Page(None, form=False, status=405),
    "sessions_app:my_checkins": Page(MEMBER, form=False),
    "sessions_app:my_checkin_step": Page(MEMBER, "step"),
    "sessions_app:my_checkin_answer": Page("kerry", "checkin"),
    # Sam has asked already (seed_demo): Maria is the one who can ask.
    "sessions_app:my_support": Page("maria"),
    "sessions_app:my_support_asked": Page(MEMBER, form=False),
    "sessions_app:support_queue": Page(FACILITATOR, "group", form=False),
    "sessions_app:support_acknowledge": Page(FACILITATOR, "support_request"),
    "sessions_app:group_outbox": Page(FACILITATOR, "group", form=False),
    "sessions_app:message_resolve": Page(FACILITATOR, "message", "sessions_app:group_outbox"),
    "sessions_app:my_reminders": Page(FACILITATOR),
    "sessions_app:pass_on_done": Page(FACILITATOR, "pass_on", "sessions_app:support_queue"),
    "sessions_app:my_sessions": Page(MEMBER, form=False),
    "sessions_app:my_session_choices": Page(MEMBER),
    "sessions_app:my_session": Page(MEMBER, "her_coming", form=False),
    "sessions_app:my_session_plan": Page(MEMBER, "her_coming", "sessions_app:my_session"),
    "sessions_app:my_step_out": Page(MEMBER, "her_item", "sessions_app:my_session"),
    "sessions_app:my_session_ics": Page(MEMBER, "her_coming", form=False),
    "sessions_app:my_notes": Page(MEMBER, form=False),
    "sessions_app:my_note": Page(MEMBER, "her_held", form=False),
    "sessions_app:my_note_check": Page("lou", "her_held", prepare=representative_check),
    "sessions_app:my_changes": Page(MEMBER, form=False),
    "sessions_app:my_calendar": Page(MEMBER),
    "sessions_app:my_calendar_stop": Page(
        MEMBER, source="sessions_app:my_calendar", prepare=member_feed
    ),
    # Her calendar app fetches the feed without signing in: the secret is the key.
    "sessions_app:calendar_feed": Page(None, "feed", form=False),
    "sessions_app:my_staff_calendar": Page(FACILITATOR),
    "sessions_app:my_staff_calendar_stop": Page(
        FACILITATOR, source="sessions_app:my_staff_calendar", prepare=staff_feed
    ),
    "sessions_app:group_dashboard": Page(FACILITATOR, "group", form=False),
    "sessions_app:session_list": Page(FACILITATOR, "group", form=False),
    "sessions_app:session_new": Page(FACILITATOR, "group"),
    "sessions_app:session_detail": Page(FACILITATOR, "draft_session", form=False),
    "sessions_app:session_edit": Page(FACILITATOR, "coming"),
    "sessions_app:session_ics": Page(FACILITATOR, "coming", form=False),
    "sessions_app:session_roster": Page(
        FACILITATOR, "draft_session", "sessions_app:session_detail"
    ),
    "sessions_app:session_publish": Page(
        FACILITATOR, "draft_session", "sessions_app:session_detail"
    ),
    "sessions_app:session_cancel": Page(FACILITATOR, "coming"),
    "sessions_app:session_attendance": Page(FACILITATOR, "held"),
    "sessions_app:agenda_item_new": Page(FACILITATOR, "draft_session"),
    "sessions_app:agenda_item": Page(FACILITATOR, "item"),
    "sessions_app:agenda_item_remove": Page(FACILITATOR, "item", "sessions_app:session_detail"),
    "sessions_app:agenda_item_move": Page(FACILITATOR, "item", "sessions_app:session_detail"),
    "sessions_app:session_notes": Page(FACILITATOR, "group", form=False),
    "sessions_app:session_note": Page(FACILITATOR, "held", prepare=note_draft),
    "sessions_app:session_note_submit": Page(
        FACILITATOR, "held", "sessions_app:session_note", prepare=note_draft
    ),
    "sessions_app:session_note_approve": Page(
        FACILITATOR, "held", "sessions_app:session_note", prepare=note_to_check
    ),
    "sessions_app:service_changes": Page(FACILITATOR, "group", form=False),
    "sessions_app:service_change_new": Page(FACILITATOR, "group"),
    "sessions_app:service_change_edit": Page(FACILITATOR, "change"),
    "consent:group_choices": Page(FACILITATOR, "group", form=False),
    "consent:member_choices": Page(FACILITATOR, "member"),
    "consent:member_choice_history": Page(FACILITATOR, "member", form=False),
    "consent:member_contribution_add": Page(FACILITATOR, "member"),
    "consent:group_contributions": Page(FACILITATOR, "group", form=False),
    "consent:outputs_export": Page(FACILITATOR, "group", form=False),
    "consent:erasure_requests": Page(FACILITATOR, "group", form=False),
    "consent:erasure_confirm": Page(FACILITATOR, "erasure_staff", "consent:erasure_requests"),
    "account_login": Page(None),
    "account_logout": Page(MEMBER),
    "account_inactive": Page(None, form=False),
    "account_signup": Page(None, form=False),
    "account_reauthenticate": Page(MEMBER),
    "account_email": Page(MEMBER),
    "account_email_verification_sent": Page(None, form=False),
    "account_change_password": Page(MEMBER),
    "account_set_password": Page("kerry"),
    "account_reset_password": Page(None),
    "account_confirm_login_code": Page(None, prepare=request_code),
    "account_confirm_email": Page(None, "confirm_email"),
    "account_reset_password_from_key_done": Page(None, form=False),
    "account_reset_password_from_key": Page(None, "reset_key"),
    "account_reset_password_done": Page(None, form=False),
    "account_request_login_code": Page(None),
    "mfa_index": Page(MFA_STAFF, form=False, prepare=reauthenticate),
    "mfa_authenticate": Page(None, prepare=stage_mfa),
    "mfa_reauthenticate": Page(MFA_STAFF, prepare=reauthenticate),
    "mfa_activate_totp": Page(FACILITATOR, prepare=reauthenticate),
    "mfa_deactivate_totp": Page(MFA_STAFF, prepare=reauthenticate),
    "mfa_view_recovery_codes": Page(MFA_STAFF, form=False, prepare=reauthenticate),
    "mfa_generate_recovery_codes": Page(MFA_STAFF, prepare=reauthenticate),
    "mfa_download_recovery_codes": Page(MFA_STAFF, form=False, prepare=reauthenticate),
    "mfa_list_webauthn": Page(MFA_STAFF, form=False, prepare=reauthenticate),
    "mfa_add_webauthn": Page(MFA_STAFF, prepare=reauthenticate),
    "mfa_reauthenticate_webauthn": Page(MFA_STAFF, prepare=reauthenticate),
    "mfa_remove_webauthn": Page(MFA_STAFF, "webauthn", prepare=reauthenticate),
    "mfa_edit_webauthn": Page(MFA_STAFF, "webauthn", prepare=reauthenticate),
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, str]:
    """name → route of every named URL outside the admin site (the admin has its own test)."""
    found: dict[str, str] = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[namespace + pattern.name] = str(pattern.pattern)
    return found


def url_of(world: World, name: str) -> str:
    page = PAGES[name]
    return reverse(name, kwargs=world.kwargs[page.kwargs] if page.kwargs else None)


def target_name(page_url: str, form: Form) -> str | None:
    path = urlsplit(urljoin(page_url, form.action)).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def send(client: Client, url: str, method: str, payload: dict[str, list[str]]):
    """One request in its own savepoint, rolled back, with the client's cookies put back,
    so each example starts from the same world."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    # Rate limits would answer 429 before the form is read; they have tests of their own.
    cache.clear()
    sid = transaction.savepoint()
    try:
        if method == "post":
            response = client.post(url, payload)
        else:
            split = urlsplit(url)
            query = parse_qsl(split.query) + [(k, v) for k, vs in payload.items() for v in vs]
            response = client.get(f"{split.path}?{urlencode(query)}")
    finally:
        transaction.savepoint_rollback(sid)
        client.cookies = cookies
    return response


def fuzz(client: Client, url: str, form: Form, *, light: bool = False) -> list[str]:
    """Every explicit payload and a few drawn by hypothesis; the ones that answered 5xx."""
    method = "post" if form.method == "post" else "get"
    failures: list[str] = []

    def attempt(payload):
        status = send(client, url, method, payload).status_code
        if status >= 500:
            shown = {k: [v[:40] for v in vs] for k, vs in payload.items()}
            failures.append(f"{method.upper()} {url} {shown} -> {status}")

    for payload in explicit_payloads(form, light=light):
        attempt(payload)

    @examples(2 if light else 4)
    @given(fields_strategy(form))
    def drawn(payload):
        attempt(payload)

    drawn()
    return failures


def test_every_url_is_listed_here():
    """A page added to the URL conf must say here who it is for and where its form is."""
    assert set(url_names()) == set(PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_form_answers_a_server_error(world, name):
    page = PAGES[name]
    client = signed_in(world, page.persona)
    if page.prepare:
        page.prepare(world, client)
    url = url_of(world, name)
    source = url_of(world, page.source) if page.source else url
    response = client.get(source, follow=page.status == 200)
    assert response.status_code == page.status, f"{source} did not open as {page.persona}"
    shown_at = response.request["PATH_INFO"]
    forms = forms_of(response.content.decode(errors="replace")) if page.status == 200 else []
    targets = {target_name(shown_at, form): form for form in forms}
    for target in targets:
        assert target in PAGES, f"a form on {source} posts to {target}, which is not listed"
        assert PAGES[target].form, f"a form on {source} posts to {target}, listed as formless"
    if not page.form:
        assert name not in targets
        return
    assert name in targets, f"no form on {source} posts to {name}"
    form = targets[name]
    action = urljoin(shown_at, form.action) if form.action else shown_at
    failures = fuzz(client, action, form)
    assert not failures, "\n".join(failures[:10])


# --- the admin site: every registered model, as the operator and as a partner admin ---

ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")
# Admin URLs that are not one model's five pages; those with a form are fuzzed below.
ADMIN_SITE_PAGES = {
    "admin:index": None,
    "admin:login": None,
    "admin:logout": None,
    "admin:password_change": "/admin/password_change/",
    "admin:password_change_done": None,
    "admin:autocomplete": None,
    "admin:jsi18n": None,
    "admin:view_on_site": None,
    "admin:app_list": None,
    "admin:auth_user_password_change": "/admin/accounts/user/{sam}/password/",
}
OPERATOR, PARTNER_ADMIN = "admin", "ruth"
ID_HOSTILE = ["abc", "9" * 30, "\u202e1"]
PARAM_HOSTILE = ["9" * 40, "twelve\u202e<b>x</b>\u200b"]


def admin_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.add(f"admin:{pattern.name}")

    walk(admin.site.get_urls())
    return names


def model_pages() -> set[str]:
    return {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
        for model in admin.site._registry
        for view in ADMIN_VIEWS
    }


def test_every_admin_page_is_reached_here():
    """A model registered later is covered by the test below; any other admin page must be
    listed here (with its address when it has a form), so it is not left out."""
    assert admin_names() - model_pages() == set(ADMIN_SITE_PAGES)


def quoted(value: str) -> str:
    return quote(value, safe="")


def page_links(html: str, prefix: str) -> list[str]:
    """The hrefs of a page that start with `prefix`, in order."""

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") or ""
            if tag == "a" and href.startswith(prefix):
                self.found.append(href)

    parser = Links()
    parser.found = []
    parser.feed(html)
    return parser.found


def get_status(client: Client, url: str) -> int:
    return send(client, url, "get", {}).status_code


def fuzz_page(client: Client, url: str, *, expect_form: bool, light: bool = True) -> list[str]:
    """Open an admin page; fuzz its own post form (the one its submit buttons belong to)."""
    response = client.get(url)
    if response.status_code != 200:
        return [] if response.status_code < 500 else [f"GET {url} -> {response.status_code}"]
    own = [
        form
        for form in forms_of(response.content.decode(errors="replace"))
        if form.method == "post" and target_name(url, form) == resolve(urlsplit(url).path).view_name
    ]
    if expect_form:
        assert own, f"no form on {url}"
    failures: list[str] = []
    for form in own:
        action = urljoin(url, form.action) if form.action else url
        failures += fuzz(client, action, form, light=light)
    return failures


def fuzz_changelist(client: Client, url: str, html: str) -> list[str]:
    """Each filter's and the search box's parameters with a value no filter expects, one at
    a time (a number too big, or text where a number goes), then a few drawn together by
    hypothesis."""
    keys = {"q", "o", "p", "all", "_to_field", "_popup"}
    for href in page_links(html, "?"):
        keys |= {key for key, _ in parse_qsl(href[1:], keep_blank_values=True)}
    failures: list[str] = []
    for index, key in enumerate(sorted(keys)):
        value = PARAM_HOSTILE[index % len(PARAM_HOSTILE)]
        status = get_status(client, f"{url}?{urlencode({key: value})}")
        if status >= 500:
            failures.append(f"GET {url}?{key}={value[:40]} -> {status}")

    @examples(3)
    @given(st.dictionaries(st.sampled_from(sorted(keys)), st.sampled_from(HOSTILE), min_size=1))
    def drawn(params):
        status = get_status(client, f"{url}?{urlencode(params)}")
        if status >= 500:
            failures.append(f"GET {url}?{params} -> {status}")

    drawn()
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [OPERATOR, PARTNER_ADMIN])
@pytest.mark.parametrize("label", sorted(model._meta.label for model in admin.site._registry))
def test_no_admin_page_answers_a_server_error(world, label, persona):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    client = signed_in(world, persona)
    response = client.get(base)
    if persona == OPERATOR:
        assert response.status_code == 200, f"the operator could not open {base}"
    if response.status_code != 200:
        assert response.status_code < 500
        return
    html = response.content.decode(errors="replace")
    failures = fuzz_changelist(client, base, html)
    failures += fuzz_page(client, base, expect_form=False)
    failures += fuzz_page(client, f"{base}add/", expect_form=False)
    changes = [link for link in page_links(html, base) if link.endswith("/change/")]
    if changes:
        obj = changes[0]
        failures += fuzz_page(client, obj, expect_form=False)
        delete = obj.replace("/change/", "/delete/")
        for payload in ({}, {"post": ["a\x00b"]}, {"post": ["yes", "yes"]}):
            if send(client, delete, "post", payload).status_code >= 500:
                failures.append(f"POST {delete} {payload}")
        failures += [
            f"GET {u}"
            for u in [obj.replace("/change/", "/history/")]
            if get_status(client, u) >= 500
        ]
    hostile_ids = [f"{base}{quoted(object_id)}/change/" for object_id in ID_HOSTILE]
    hostile_ids += [f"{base}abc/delete/", f"{base}abc/history/"]
    failures += [f"GET {url}" for url in hostile_ids if get_status(client, url) >= 500]
    assert not failures, "\n".join(failures[:10])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, url in ADMIN_SITE_PAGES.items() if url))
def test_no_admin_site_form_answers_a_server_error(world, name):
    client = signed_in(world, OPERATOR)
    url = ADMIN_SITE_PAGES[name].format(sam=world.users["sam"].pk)
    failures = fuzz_page(client, url, expect_form=True)
    assert not failures, "\n".join(failures[:10])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [OPERATOR, PARTNER_ADMIN])
def test_admin_lookups_with_hostile_parameters(world, persona):
    """The admin's own JSON and redirect helpers, which take ids and names in the address."""
    client = signed_in(world, persona)
    urls = [
        f"/admin/autocomplete/?{urlencode(dict(app_label=a, model_name=m, field_name=f, term=t))}"
        for a, m, f in [("groups", "training", "person"), ("x", "y", "z"), ("groups", "", "")]
        for t in ["", "\u202e", "9" * 40]
    ]
    urls += [f"/admin/r/{quoted(c)}/{quoted(o)}/" for c in ID_HOSTILE[:3] for o in ID_HOSTILE]
    failures = [url for url in urls if get_status(client, url) >= 500]
    assert not failures, "\n".join(failures[:10])
