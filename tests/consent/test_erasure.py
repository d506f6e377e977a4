"""'Erase my data': after erasure nothing anywhere in the database names her or can be
read as hers, work queued for her does nothing, and a tombstone with no personal data
remains. The daily task carries out requests that stood their time, and only those."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from allauth.mfa.models import Authenticator
from celery import current_app
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as PlainSession
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from consent import services
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    Contribution,
    DataExport,
    ErasureRequest,
    Visibility,
)
from consent.tasks import build_data_export, carry_out_due_erasures
from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.audit.models import AuditEvent
from coproduction.core.models import BrowserSession
from coproduction.outbox.channels import Channel
from groups import services as group_services
from groups.models import CoproGroup, Invitation, Membership, SupportContact
from tests.factories import (
    PASSWORD,
    CoproGroupFactory,
    MembershipFactory,
    StaffFactory,
)

NAME = "Samantha Quill"
EMAIL = "samantha.quill@example.org"
PHONE = "07700 900461"
TRUSTED_PHONE = "07700 900462"  # her sister's
OTHER_EMAIL = "someone.else@example.org"
# What would identify her, searched for case-insensitively everywhere.
NEEDLES = [
    "Samantha",
    "Quill",
    EMAIL,
    PHONE,
    PHONE.replace(" ", ""),
    TRUSTED_PHONE,
    TRUSTED_PHONE.replace(" ", ""),
]

# Encrypted columns written with her data key, as (table, column, her id's column).
HER_ENCRYPTED_COLUMNS = [
    ("groups_profile", "access_needs_other", "user_id"),
    ("groups_safecontactprofile", "phone", "member_id"),
    ("groups_supportcontact", "contact_detail", "member_id"),
    ("groups_supportplan", "what_helps", "member_id"),
    ("groups_supportplan", "please_do", "member_id"),
    ("consent_contribution", "text", "member_id"),
    ("consent_consentevent", "how_she_told_us", "member_id"),
    ("groups_profile", "pronouns", "user_id"),
    ("groups_safecontactprofile", "sender_name", "member_id"),
    ("groups_safecontactprofile", "reply_word", "member_id"),
    ("groups_supportcontact", "name", "member_id"),
    ("groups_agreementresponse", "disagreement", "member_id"),
    ("groups_agreementcomment", "text", "author_id"),
    ("groups_invitation", "email", "key_owner_id"),
    ("groups_invitation", "phone", "key_owner_id"),
]


# --- looking for her --------------------------------------------------------------


def every_column() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        return [
            (table, column.name)
            for table in connection.introspection.table_names(cursor)
            for column in connection.introspection.get_table_description(cursor, table)
        ]


def find_in_columns(needles=NEEDLES) -> list[str]:
    """Every column of every table, whatever its type, read as text and searched for
    each needle: "table.column: needle in 'value'" for each hit."""
    qn = connection.ops.quote_name
    lowered = [n.lower() for n in needles]
    hits = []
    with connection.cursor() as cursor:
        for table, column in every_column():
            text = f"LOWER(CAST({qn(column)} AS TEXT))"
            where = " OR ".join(f"{text} LIKE %s" for _ in lowered)
            cursor.execute(
                f"SELECT {text} FROM {qn(table)} WHERE {where}",  # noqa: S608
                [f"%{n}%" for n in lowered],
            )
            for (value,) in cursor.fetchall():
                hits += [
                    f"{table}.{column}: {n!r} in {value[:120]!r}" for n in lowered if n in value
                ]
    return hits


def _stored_cache_entries() -> list[tuple[str, str]]:
    """(key as stored, key as asked for) of every cache entry, for either backend.
    (`cache` is a proxy, so the backend is asked for by name to see which it is.)"""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        table = connection.ops.quote_name(backend._table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608
            stored_keys = [row[0] for row in cursor.fetchall()]
        # Stored as ":<version>:<key>" (no KEY_PREFIX is set for the database cache).
        return [(stored, stored.split(":", 2)[2]) for stored in stored_keys]
    assert isinstance(backend, RedisCache), backend
    client = backend._cache.get_client()
    stored_keys = [k.decode() for k in client.scan_iter(match=f"{backend.key_prefix}:*")]
    # Stored as "<KEY_PREFIX>:<version>:<key>".
    return [(stored, stored.split(":", 2)[2]) for stored in stored_keys]


def find_in_encoded_values(needles=NEEDLES, *, pk=None, logins=()) -> list[str]:
    """Sessions and cache entries are stored encoded (signed base64, pickles, hashed
    keys), so a search of the columns cannot see inside them: decode each session and
    cache value and search that, and look in every cache key for a hash of her address
    or sign-in name (allauth's rate-limit keys) or her id."""
    lowered = [n.lower() for n in needles]
    hits = []
    # Django's own session table is no longer written to, but is searched all the same.
    for session in [*BrowserSession.objects.all(), *PlainSession.objects.all()]:
        table = session._meta.db_table
        decoded = json.dumps(session.get_decoded(), default=str).lower()
        hits += [
            f"{table}.session_data ({session.pk[:8]}…): {n!r} in {decoded[:200]!r}"
            for n in lowered
            if n in decoded
        ]
    typed = [*lowered, *(login.lower() for login in logins)]
    hashes = {
        hashlib.sha256(text.encode()).hexdigest(): text
        for login in typed
        for text in (login, f"testserver:{login}")
    }
    for stored_key, key in _stored_cache_entries():
        decoded = repr(cache.get(key)).lower()
        hits += [f"cache {stored_key}: {n!r} in {decoded[:200]!r}" for n in lowered if n in decoded]
        hits += [f"cache key {stored_key}: hash of {t!r}" for h, t in hashes.items() if h in key]
        if pk is not None and key.endswith(f":user:{pk}"):
            hits.append(f"cache key {stored_key}: her id")
    return hits


# Columns that keep her id after erasure, on purpose: the append-only ledger and audit
# trail (facts about no one once her account and key are gone) and the tombstone.
KEPT_IDS = {
    ("audit_auditevent", "actor_id"),
    ("audit_auditevent", "subject_user_id"),
    ("consent_consentevent", "member_id"),
    ("consent_consentevent", "recorded_by_id"),
    ("consent_erasurerequest", "member_ref"),
}
# Plain-number columns that name a person by convention, without a foreign key.
PERSON_ID_COLUMNS = {"person_id", "owner_id", "member_ref", "user_id", "member_id"}


def columns_holding_person_ids() -> set[tuple[str, str]]:
    """Every integer column of every table, third-party ones too, that can hold a
    person's id: each foreign key to the user table (with a database constraint or
    without), and each plain number named as a person's id."""
    user_table = User._meta.db_table
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, table)
            found |= {(table, col) for col, (_, to) in relations.items() if to == user_table}
            found |= {
                (table, column.name)
                for column in connection.introspection.get_table_description(cursor, table)
                if column.name in PERSON_ID_COLUMNS
            }
    for model in apps.get_models():
        found |= {
            (model._meta.db_table, f.column)
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is User
        }
    return found


def find_her_id(pk: int) -> list[str]:
    """Every place her id is still stored, outside the ledger, audit trail and
    tombstone: person columns, the admin log's references to her account, and any
    scheduled task that takes her id."""
    qn = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, column in sorted(columns_holding_person_ids() - KEPT_IDS):
            cursor.execute(
                f"SELECT COUNT(*) FROM {qn(table)} WHERE {qn(column)} = %s",  # noqa: S608
                [pk],
            )
            if count := cursor.fetchone()[0]:
                hits.append(f"{table}.{column}: her id in {count} rows")
    user_type = ContentType.objects.get_for_model(User)
    if LogEntry.objects.filter(content_type=user_type, object_id=str(pk)).exists():
        hits.append("django_admin_log.object_id: her account")
    for task in PeriodicTask.objects.all():
        values = [*json.loads(task.args or "[]"), *json.loads(task.kwargs or "{}").values()]
        if pk in values or str(pk) in values:
            hits.append(f"django_celery_beat_periodictask {task.name!r}: her id")
    return hits


def raw(table: str, column: str, where: str, value) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE {where} = %s",  # noqa: S608
            [value],
        )
        return [row[0] for row in cursor.fetchall()]


# --- her, with something everywhere ------------------------------------------------


@dataclass
class Her:
    member: User
    pk: int
    username: str
    group: CoproGroup
    tokens: dict[str, list[str]] = field(default_factory=dict)
    zips: list[Path] = field(default_factory=list)
    queued: list[tuple[str, tuple, dict]] = field(default_factory=list)
    browser: Client | None = None
    request: ErasureRequest | None = None


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def group(db):
    return CoproGroupFactory(name="Riverside", member_facing_name="Tuesday group")


@pytest.fixture
def helen(helen, group):
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    return helen


@pytest.fixture
def dee(group):
    user = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=user, group=group, role=Membership.Role.SUPPORT_WORKER)
    return user


def say(member, slug: str, answer: str, **on_behalf) -> ConsentEvent:
    return services.consent_record(
        member=member,
        purpose=ConsentPurpose.objects.get(slug=slug),
        answer=answer,
        acting_user=on_behalf.pop("acting_user", member),
        **on_behalf,
    )


@pytest.fixture
def samantha(
    group, helen, dee, var_dir, sent_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    """Samantha Quill, with data in every place Hearth keeps any, built through the services."""
    agreement = group_services.agreement_draft_save(
        group=group, acting_user=helen, text="We listen. We take breaks."
    )
    group_services.agreement_publish(version=agreement, acting_user=helen)

    # She joins by an invitation sent to her address and phone.
    _invitation, token = group_services.invitation_create(
        group=group, acting_user=helen, email=EMAIL, phone=PHONE, support_worker=dee
    )
    membership = group_services.invitation_accept(
        token=token,
        choices=group_services.JoinChoices(
            preferred_name=NAME, channels=[Channel.SMS], agrees=True, password=PASSWORD
        ),
    )
    member = membership.user

    group_services.profile_update(
        member=member,
        acting_user=member,
        preferred_name=NAME,
        pronouns="she/her",
        access_needs=["quiet_room"],
        access_needs_other="Samantha needs the lift key",
    )
    group_services.safe_contact_update(
        member=member,
        acting_user=member,
        channels=[Channel.SMS, Channel.EMAIL],
        phone=PHONE,
        sender_name="Samantha's dentist",
        reply_word="quill",
    )
    group_services.support_contact_add(
        member=member,
        acting_user=member,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Jo Quill",
        channel=Channel.SMS,
        contact_detail=TRUSTED_PHONE,
    )
    plan = group_services.support_plan_save(
        member=member,
        acting_user=member,
        what_helps="Samantha Quill does best with a quiet start.",
        please_do=f"Text {PHONE} before calling.",
    )
    group_services.support_plan_share(member=member, acting_user=member, readers=[helen])
    group_services.support_plan_read(plan=plan, viewer=helen)

    services.contribution_add(
        member=member,
        group=group,
        text="Quill's idea: reminders by text the day before.",
        kind=Contribution.Kind.IDEA,
        acting_user=member,
        visibility=Visibility.CREDITED,
    )
    services.contribution_add(
        member=member,
        group=group,
        text="Samantha said the waiting room is far too loud.",
        kind=Contribution.Kind.QUOTE,
        acting_user=helen,
    )

    say(member, "take_part", Answer.YES)
    say(member, "named_credit", Answer.YES)
    say(member, "anonymous_quotes", Answer.YES)
    say(member, "photos", Answer.NO)
    say(
        member,
        "share_contact_with_partner",
        Answer.NO,
        acting_user=helen,
        method=ConsentEvent.Method.PHONE,
        how_she_told_us=f"Samantha Quill rang from {PHONE}.",
    )

    group_services.agreement_respond(
        version=agreement,
        member=member,
        agrees=False,
        disagreement="Samantha Quill would like breaks every hour.",
    )
    group_services.agreement_comment(
        version=agreement, member=member, text="Quill here: add a quiet room.", kind="proposal"
    )

    # A download she made, and one asked for but not yet built (its task is queued).
    ready = services.data_export_request(member=member, acting_user=member)
    build_data_export.apply(args=[ready.pk], throw=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.data_export_request(member=member, acting_user=member)

    # A second invitation to her, never accepted (her phone written without its space),
    # and one to someone else, which stays.
    group_services.invitation_create(
        group=group, acting_user=helen, email=EMAIL, phone=PHONE.replace(" ", "")
    )
    group_services.invitation_create(group=group, acting_user=helen, email=OTHER_EMAIL)
    second = Invitation.objects.to_address(email=EMAIL).get(accepted_at__isnull=True)

    # An operator changed her account, her profile and that invitation in the admin
    # site, and Helen's account, which stays in the log.
    operator = StaffFactory(
        username="olu", first_name="Olu", last_name="Ade", is_staff=True, is_superuser=True
    )
    for obj in (member, member.profile, second, helen):
        LogEntry.objects.log_actions(
            user_id=operator.pk, queryset=[obj], action_flag=CHANGE, change_message="Changed."
        )

    # A second factor, and scheduled tasks about her (by id, and naming her address),
    # beside one about nobody in particular.
    Authenticator.objects.create(
        user=member, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20}
    )
    every_day, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.DAYS)
    PeriodicTask.objects.create(
        name="check-in reminder 1",
        task="sessions_app.tasks.remind",
        interval=every_day,
        kwargs=json.dumps({"member_id": member.pk}),
    )
    PeriodicTask.objects.create(
        name=f"weekly summary to {EMAIL}", task="consent.tasks.summary", interval=every_day
    )
    PeriodicTask.objects.create(
        name="nightly tidy", task="coproduction.core.tasks.heartbeat", interval=every_day
    )

    # Signed in in one browser, and asking for a sign-in code in another.
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == member.pk
    with django_capture_on_commit_callbacks(execute=True):
        asked = Client().post(reverse("account_request_login_code"), {"login": EMAIL})
    assert asked.status_code == 302
    assert [m.to for m in mailoutbox] == [[EMAIL]]

    her = Her(member=member, pk=member.pk, username=member.username, group=group, browser=browser)
    her.tokens = {
        f"{table}.{column}": [t for t in raw(table, column, owner, member.pk) if t]
        for table, column, owner in HER_ENCRYPTED_COLUMNS
    }
    her.zips = sorted((var_dir / "exports").glob("*.zip"))
    her.queued = list(sent_tasks)
    return her


@pytest.fixture
def erased(samantha, helen):
    request = services.erasure_request(member=samantha.member, acting_user=samantha.member)
    samantha.request = services.erasure_confirm(erasure=request, acting_user=helen)
    return samantha


# --- before: the search can see her --------------------------------------------------


def test_before_erasure_the_search_finds_her_everywhere_she_is(samantha, var_dir):
    found = "\n".join(find_in_columns())
    for place in (
        "accounts_user.email",
        "accounts_user.first_name",
        "account_emailaddress.email",
        "groups_profile.preferred_name",
    ):
        assert place in found, place
    # Encrypted text is never found by a search: that is why (b) checks her keys.
    assert "groups_supportplan" not in found
    assert "consent_consentevent" not in found
    encoded = "\n".join(find_in_encoded_values(pk=samantha.pk, logins=[samantha.username]))
    assert "core_browsersession.session_data" in encoded
    assert "cache key" in encoded  # the rate-limit counters of her code request
    assert len(Invitation.objects.to_address(email=EMAIL)) == 2
    assert len(Invitation.objects.to_address(phone=PHONE)) == 2
    places = "\n".join(find_her_id(samantha.pk))
    for place in (
        "account_emailaddress.user_id",
        "mfa_authenticator.user_id",
        "core_browsersession.person_id",
        "crypto_datakey.owner_id",
        "groups_membership.user_id",
        "django_admin_log.object_id",
        "django_celery_beat_periodictask",
    ):
        assert place in places, place
    assert "django_admin_log.object_repr" in found
    assert "django_celery_beat_periodictask.name" in found

    assert len(samantha.zips) == 1
    assert all(t and t[0].startswith("dk:") for t in samantha.tokens.values()), samantha.tokens
    assert [name for name, _args, _kwargs in samantha.queued] == ["consent.tasks.build_data_export"]
    assert AuditEvent.objects.about(samantha.member).count() >= 10


# --- after --------------------------------------------------------------------------


def test_no_column_of_any_table_names_her(erased):
    hits = find_in_columns()
    assert hits == [], "\n".join(hits)


def test_no_session_or_cache_entry_holds_her_details(erased):
    hits = find_in_encoded_values(pk=erased.pk, logins=[erased.username])
    assert hits == [], "\n".join(hits)


def test_no_column_of_any_table_holds_her_id(erased):
    hits = find_her_id(erased.pk)
    assert hits == [], "\n".join(hits)


def test_every_invitation_to_her_is_gone_and_others_stay(erased):
    assert not Invitation.objects.to_address(email=EMAIL).exists()
    assert not Invitation.objects.to_address(phone=PHONE).exists()
    assert [str(invitation.email) for invitation in Invitation.objects.all()] == [OTHER_EMAIL]


def test_the_admin_log_keeps_only_what_is_about_others(erased, helen):
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == [str(helen)]


def test_only_the_scheduled_tasks_about_her_are_gone(erased):
    assert list(PeriodicTask.objects.values_list("name", flat=True)) == ["nightly tidy"]


def test_her_browser_is_signed_out(erased):
    assert "_auth_user_id" not in erased.browser.session
    assert not User.objects.filter(pk=erased.pk).exists()


def test_her_encrypted_text_can_never_be_read_again(erased):
    crypto.forget_data_keys()
    tokens = [token for values in erased.tokens.values() for token in values]
    # Two contributions, and two invitations (each with an address and a phone).
    assert len(tokens) == len(HER_ENCRYPTED_COLUMNS) + 3
    for token in tokens:
        with pytest.raises(crypto.UnreadableCiphertext):
            crypto.decrypt(token)


def test_the_ledger_and_audit_trail_remain_as_facts_about_no_one(erased):
    events = ConsentEvent.objects.filter(member_id=erased.pk)
    assert events.count() == 5  # the ledger is append-only: her answers stay, unnamed
    crypto.forget_data_keys()
    on_behalf = events.exclude(how_she_told_us="").get()
    with pytest.raises(crypto.UnreadableCiphertext):
        on_behalf.how_she_told_us  # noqa: B018
    assert AuditEvent.objects.filter(subject_user_id=erased.pk).exists()


def test_her_downloads_are_deleted(erased, var_dir):
    assert all(not path.exists() for path in erased.zips)
    assert list((var_dir / "exports").iterdir()) == []
    assert not DataExport.objects.exists()


def test_work_queued_for_her_before_erasure_does_nothing(erased, var_dir):
    assert erased.queued
    for name, args, kwargs in erased.queued:
        current_app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
    assert list((var_dir / "exports").iterdir()) == []
    assert not DataExport.objects.exists()


def test_a_tombstone_remains_with_no_personal_data(erased, helen):
    tombstone = ErasureRequest.objects.get()
    assert tombstone.pk == erased.request.pk
    assert tombstone.member is None
    assert tombstone.member_ref == erased.pk
    assert tombstone.status == ErasureRequest.Status.DONE
    assert tombstone.completed_at is not None
    assert tombstone.decided_by == helen
    assert tombstone.kept_for_legal_reasons == ""
    values = json.dumps(ErasureRequest.objects.values().get(), default=str).lower()
    assert not [n for n in NEEDLES if n.lower() in values]


def test_the_others_in_her_group_are_untouched(erased, helen, dee):
    group = erased.group
    assert set(group.memberships.values_list("user__username", flat=True)) == {"helen", "dee"}
    assert group.agreements.get().text == "We listen. We take breaks."
    assert User.objects.filter(pk__in=[helen.pk, dee.pk]).count() == 2


def test_carrying_it_out_twice_does_nothing_more(erased):
    before = ErasureRequest.objects.values().get()
    audit_rows = AuditEvent.objects.count()
    again = services.erasure_carry_out(request_id=erased.request.pk)
    assert again.status == ErasureRequest.Status.DONE
    assert ErasureRequest.objects.values().get() == before
    assert AuditEvent.objects.count() == audit_rows
    done = AuditEvent.objects.filter(action="erasure.done")
    assert list(done.values_list("subject_id", flat=True)) == [str(erased.request.pk)]


def test_the_daily_task_leaves_a_carried_out_request_alone(erased):
    assert carry_out_due_erasures.apply(throw=True).get() == 0
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.DONE


# --- the daily task ---------------------------------------------------------------------

ASKED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def maria(maria, group, var_dir):
    MembershipFactory(user=maria, group=group, role=Membership.Role.MEMBER)
    return maria


def run_daily(at: dt.datetime) -> int:
    with time_machine.travel(at, tick=False):
        return carry_out_due_erasures.apply(throw=True).get()


def test_an_unconfirmed_request_is_carried_out_once_it_has_stood_its_time(maria):
    with time_machine.travel(ASKED, tick=False):
        request = services.erasure_request(member=maria, acting_user=maria)

    assert run_daily(ASKED + services.ERASURE_STANDS_AFTER - dt.timedelta(minutes=1)) == 0
    assert User.objects.filter(pk=maria.pk).exists()
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureRequest.Status.REQUESTED

    assert run_daily(ASKED + services.ERASURE_STANDS_AFTER) == 1
    assert not User.objects.filter(pk=maria.pk).exists()
    request.refresh_from_db()
    assert (request.status, request.member, request.member_ref) == (
        ErasureRequest.Status.DONE,
        None,
        maria.pk,
    )
    assert request.decided_by is None
    assert request.completed_at == ASKED + services.ERASURE_STANDS_AFTER

    assert run_daily(ASKED + services.ERASURE_STANDS_AFTER + dt.timedelta(days=1)) == 0


def test_a_withdrawn_request_is_never_carried_out(maria):
    with time_machine.travel(ASKED, tick=False):
        request = services.erasure_request(member=maria, acting_user=maria)
        services.erasure_withdraw(erasure=request, acting_user=maria)

    for days in (14, 15, 100):
        assert run_daily(ASKED + dt.timedelta(days=days)) == 0
    assert User.objects.filter(pk=maria.pk).exists()
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureRequest.Status.WITHDRAWN


def test_the_daily_task_erases_only_those_whose_time_has_come(maria, group):
    other = MembershipFactory(group=group, role=Membership.Role.MEMBER).user
    with time_machine.travel(ASKED, tick=False):
        services.erasure_request(member=maria, acting_user=maria)
    with time_machine.travel(ASKED + dt.timedelta(days=10), tick=False):
        services.erasure_request(member=other, acting_user=other)

    assert run_daily(ASKED + dt.timedelta(days=15)) == 1
    assert not User.objects.filter(pk=maria.pk).exists()
    assert User.objects.filter(pk=other.pk).exists()


def test_no_rate_limit_counter_keyed_by_her_address_remains(erased):
    rate = next(r for r in get_rates(app="allauth.account", action="request_login_code")
                if r.per == "key")  # fmt: skip
    key = get_cache_key(
        None, app="allauth.account", action="request_login_code", rate=rate, key=EMAIL
    )
    assert cache.get(key) is None
