"""Sensitive text is encrypted at rest, under keys kept apart from SECRET_KEY, and rotates."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from coproduction import crypto
from groups.models import SupportPlan

SECRET = "When I go quiet, please text rather than call."


def raw_column(plan: SupportPlan, column: str = "what_helps") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM groups_supportplan WHERE id = %s", [plan.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def plan(sam):
    return SupportPlan.objects.create(member=sam, what_helps=SECRET)


def test_round_trip_reads_back_what_was_written(plan):
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == SECRET


def test_database_column_holds_no_plaintext(plan):
    stored = raw_column(plan)
    assert SECRET not in stored
    assert "quiet" not in stored
    assert crypto.decrypt(stored) == SECRET


def test_same_text_encrypts_differently_each_time(sam, maria):
    a = SupportPlan.objects.create(member=sam, what_helps=SECRET)
    b = SupportPlan.objects.create(member=maria, what_helps=SECRET)
    assert raw_column(a) != raw_column(b)


def test_empty_and_missing_text_stay_empty(sam):
    plan = SupportPlan.objects.create(member=sam)
    assert raw_column(plan) == ""
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == ""


def test_wrong_key_fails_loudly_instead_of_returning_ciphertext(plan, settings):
    settings.HEARTH_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.UnreadableCiphertext):
        SupportPlan.objects.get(pk=plan.pk)


def test_encrypted_text_cannot_be_searched(plan):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(SupportPlan.objects.filter(what_helps__icontains="quiet"))


def test_key_rotation_re_encrypts_everything_under_the_newest_key(plan, maria, settings):
    SupportPlan.objects.create(member=maria, what_helps="Tea helps.", please_do="Sit near me.")
    old_key = settings.HEARTH_FIELD_KEYS[0]
    before = raw_column(plan)
    new_key = Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEYS = [new_key, old_key]

    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Re-encrypted 2 rows" in out.getvalue()

    after = raw_column(plan)
    assert after != before
    assert Fernet(new_key).decrypt(after.encode()).decode() == SECRET
    # The old key can now be retired: everything reads with the new key alone.
    settings.HEARTH_FIELD_KEYS = [new_key]
    plans = {p.member.username: p for p in SupportPlan.objects.select_related("member")}
    assert plans["sam"].what_helps == SECRET
    assert plans["maria"].please_do == "Sit near me."


def test_rotation_twice_is_harmless(plan, settings):
    new_key = Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEYS = [new_key, *settings.HEARTH_FIELD_KEYS]
    call_command("rotate_field_keys", stdout=io.StringIO())
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.HEARTH_FIELD_KEYS = [new_key]
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == SECRET
