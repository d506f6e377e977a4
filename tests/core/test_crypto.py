"""Sensitive text is encrypted at rest, each person's under her own data key wrapped by
master keys kept apart from SECRET_KEY; keys rotate, and a destroyed key shreds her data."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from coproduction import crypto
from coproduction.crypto.models import DataKey
from groups.models import Invitation, SupportPlan
from tests.factories import CoproGroupFactory

SECRET = "When I go quiet, please text rather than call."


def raw_column(plan, column: str = "what_helps", table: str = "groups_supportplan") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [plan.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def plan(sam):
    return SupportPlan.objects.create(member=sam, what_helps=SECRET)


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    return out.getvalue()


def test_round_trip_reads_back_what_was_written(plan):
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == SECRET


def test_database_column_holds_no_plaintext(plan, sam):
    stored = raw_column(plan)
    assert SECRET not in stored and "quiet" not in stored
    key = DataKey.objects.get(owner_id=sam.pk)
    assert stored.startswith(f"dk:{key.pk}:")
    assert crypto.decrypt(stored) == SECRET


def test_her_key_is_stored_wrapped_by_the_master_key(plan, sam):
    wrapped = DataKey.objects.get(owner_id=sam.pk).wrapped
    Fernet(crypto.fernet().decrypt(wrapped.encode()))  # unwraps to a real key


def test_each_person_has_her_own_key(sam, maria):
    a = SupportPlan.objects.create(member=sam, what_helps=SECRET)
    b = SupportPlan.objects.create(member=maria, what_helps=SECRET)
    assert raw_column(a) != raw_column(b)
    assert DataKey.objects.count() == 2


def test_text_written_without_a_model_instance_uses_the_master_key(plan):
    SupportPlan.objects.filter(pk=plan.pk).update(please_do="Sit near me.")
    stored = raw_column(plan, "please_do")
    assert not stored.startswith("dk:")
    assert SupportPlan.objects.get(pk=plan.pk).please_do == "Sit near me."


def test_an_invitation_without_a_known_owner_gets_a_key_of_its_own(db):
    invitation = Invitation.objects.create(
        group=CoproGroupFactory(), token_hash="x" * 64, phone="07700 900123",
        expires_at="2099-01-01T00:00Z",
    )  # fmt: skip
    assert invitation.key_owner_id < 0
    key = DataKey.objects.get(owner_id=invitation.key_owner_id)
    assert raw_column(invitation, "phone", "groups_invitation").startswith(f"dk:{key.pk}:")
    assert Invitation.objects.get(pk=invitation.pk).phone == "07700 900123"


def test_empty_text_stays_empty_and_needs_no_key(sam):
    plan = SupportPlan.objects.create(member=sam)
    assert raw_column(plan) == ""
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == ""
    assert not DataKey.objects.exists()


def test_loading_a_row_looks_up_no_key_until_the_text_is_read(plan, django_assert_num_queries):
    crypto.forget_data_keys()
    with django_assert_num_queries(1):
        loaded = SupportPlan.objects.get(pk=plan.pk)
    with django_assert_num_queries(1):
        assert loaded.what_helps == SECRET
    with django_assert_num_queries(0):
        assert loaded.what_helps == SECRET


def test_many_peoples_keys_load_in_one_query(sam, maria, django_assert_num_queries):
    SupportPlan.objects.create(member=sam, what_helps="a")
    SupportPlan.objects.create(member=maria, what_helps="b")
    crypto.forget_data_keys()
    plans = list(SupportPlan.objects.order_by("pk"))
    with django_assert_num_queries(1):
        crypto.warm_data_keys(p.member_id for p in plans)
    with django_assert_num_queries(0):
        assert [p.what_helps for p in plans] == ["a", "b"]


def test_a_destroyed_key_makes_her_text_unreadable_for_good(plan, sam):
    assert crypto.data_key_destroy(sam.pk)
    assert not crypto.data_key_destroy(sam.pk)  # twice, one effect
    with pytest.raises(crypto.UnreadableCiphertext):
        SupportPlan.objects.get(pk=plan.pk).what_helps  # noqa: B018


def test_wrong_master_key_fails_loudly_instead_of_returning_ciphertext(plan, settings):
    crypto.forget_data_keys()
    settings.HEARTH_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.UnreadableCiphertext):
        SupportPlan.objects.get(pk=plan.pk).what_helps  # noqa: B018


def test_encrypted_text_cannot_be_searched(plan):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(SupportPlan.objects.filter(what_helps__icontains="quiet"))


def test_saving_again_keeps_the_text(plan):
    loaded = SupportPlan.objects.get(pk=plan.pk)
    loaded.please_do = "Sit near me."
    loaded.save()
    again = SupportPlan.objects.get(pk=plan.pk)
    assert (again.what_helps, again.please_do) == (SECRET, "Sit near me.")


def test_key_rotation_rewraps_data_keys_and_re_encrypts_master_key_text(plan, settings):
    SupportPlan.objects.filter(pk=plan.pk).update(please_do="Sit near me.")
    old_key = settings.HEARTH_FIELD_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEYS = [new_key, old_key]

    assert "Re-wrapped 1 data keys; re-encrypted 1 rows" in rotate()

    # The old master key can now be retired: everything reads with the new key alone.
    settings.HEARTH_FIELD_KEYS = [new_key]
    crypto.forget_data_keys()
    again = SupportPlan.objects.get(pk=plan.pk)
    assert (again.what_helps, again.please_do) == (SECRET, "Sit near me.")
    assert Fernet(new_key).decrypt(raw_column(plan, "please_do").encode())


def test_rotation_twice_is_harmless(plan, settings):
    new_key = Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEYS = [new_key, *settings.HEARTH_FIELD_KEYS]
    rotate()
    rotate()
    settings.HEARTH_FIELD_KEYS = [new_key]
    crypto.forget_data_keys()
    assert SupportPlan.objects.get(pk=plan.pk).what_helps == SECRET
