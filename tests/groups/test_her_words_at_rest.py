"""Her own words at rest: each is stored under her data key, so a raw read of the tables
finds none of them and destroying her key shreds them; an invitation's address is found
by a keyed hash, never by its text."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from coproduction import crypto
from coproduction.crypto.models import DataKey
from coproduction.outbox.channels import Channel
from groups import services
from groups.models import (
    AgreementComment,
    AgreementResponse,
    Invitation,
    Profile,
    SafeContactProfile,
    SupportContact,
)
from tests.factories import UserFactory

MIGRATION = importlib.import_module("groups.migrations.0004_her_words_encrypted")

PRONOUNS = "xe/xem-pronoun-word"
SENDER = "Dr Lanternfish surgery"
REPLY = "marmalade-reply"
CONTACT_NAME = "Auntie Wrenfield"
DISAGREEMENT = "I disagree about the mobile-phones rule, periwinkle."
COMMENT = "Could we add a quiet corner, tangerine?"
EMAIL = "Quiet.Heron@Example.org"
PHONE = "07700 900777"
HER_WORDS = [PRONOUNS, SENDER, REPLY, CONTACT_NAME, DISAGREEMENT, COMMENT, EMAIL.lower(), PHONE]


def scan_every_table(needles) -> list[str]:
    """Every column of every table read as text: 'table.column: needle' for each hit."""
    quote = connection.ops.quote_name
    lowered = [needle.lower() for needle in needles]
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                text = f"LOWER(CAST({quote(column.name)} AS TEXT))"
                where = " OR ".join(f"{text} LIKE %s" for _ in lowered)
                cursor.execute(
                    f"SELECT {text} FROM {quote(table)} WHERE {where}",  # noqa: S608
                    [f"%{needle}%" for needle in lowered],
                )
                for (value,) in cursor.fetchall():
                    hits += [f"{table}.{column.name}: {n}" for n in lowered if n in value]
    return hits


@pytest.fixture
def agreement(helen_fac):
    version = services.agreement_draft_save(
        group=helen_fac.group, acting_user=helen_fac.user, text="We listen."
    )
    return services.agreement_publish(version=version, acting_user=helen_fac.user)


@pytest.fixture
def her_words(sam, sam_membership, helen_fac, agreement):
    """Each of her words saved through the services, as the pages save them."""
    services.profile_update(member=sam, acting_user=sam, preferred_name="Sam", pronouns=PRONOUNS)
    services.safe_contact_update(
        member=sam, acting_user=sam, channels=[Channel.SMS], sender_name=SENDER, reply_word=REPLY
    )
    services.support_contact_add(
        member=sam, acting_user=sam, kind=SupportContact.Kind.TRUSTED_PERSON, name=CONTACT_NAME
    )
    services.agreement_respond(
        version=agreement, member=sam, agrees=False, disagreement=DISAGREEMENT
    )
    services.agreement_comment(version=agreement, member=sam, text=COMMENT, kind="comment")
    invitation, _token = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, email=EMAIL, phone=PHONE
    )
    return invitation


def read_back(sam):
    return [
        Profile.objects.get(user=sam).pronouns,
        SafeContactProfile.objects.get(member=sam).sender_name,
        SafeContactProfile.objects.get(member=sam).reply_word,
        SupportContact.objects.get(member=sam, kind=SupportContact.Kind.TRUSTED_PERSON).name,
        AgreementResponse.objects.get(member=sam).disagreement,
        AgreementComment.objects.get(author=sam).text,
    ]


def test_a_raw_scan_of_every_table_finds_none_of_her_words(her_words, sam):
    assert scan_every_table(HER_WORDS) == []
    assert read_back(sam) == [PRONOUNS, SENDER, REPLY, CONTACT_NAME, DISAGREEMENT, COMMENT]
    again = Invitation.objects.get(pk=her_words.pk)
    assert (again.email, again.phone) == (EMAIL.lower(), PHONE)


def test_destroying_her_key_shreds_every_one_of_them(her_words, sam, helen_fac):
    to_her, _ = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, email=sam.email.upper(), phone=PHONE
    )
    assert to_her.key_owner_id == sam.pk  # an invitation to a known member's address
    crypto.data_key_destroy(sam.pk)
    crypto.forget_data_keys()
    for read in (
        lambda: Profile.objects.get(user=sam).pronouns,
        lambda: SafeContactProfile.objects.get(member=sam).sender_name,
        lambda: SafeContactProfile.objects.get(member=sam).reply_word,
        lambda: SupportContact.objects.get(member=sam, kind="trusted_person").name,
        lambda: AgreementResponse.objects.get(member=sam).disagreement,
        lambda: AgreementComment.objects.get(author=sam).text,
        lambda: Invitation.objects.get(pk=to_her.pk).email,
        lambda: Invitation.objects.get(pk=to_her.pk).phone,
    ):
        with pytest.raises(crypto.UnreadableCiphertext):
            read()


def test_invitations_are_found_by_address_through_the_keyed_hash(her_words, helen_fac):
    other, _ = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, email="someone@example.org"
    )
    found = Invitation.objects.to_address
    assert list(found(email="  quiet.heron@EXAMPLE.org ")) == [her_words]
    assert list(found(phone="07700900777")) == [her_words]
    assert list(found(phone="0 7700 900 777")) == [her_words]
    assert set(found(email="someone@example.org", phone=PHONE)) == {her_words, other}
    assert list(found(email="nobody@example.org")) == []
    assert list(found()) == []
    assert list(found(email="", phone="")) == []
    stored = Invitation.objects.filter(pk=her_words.pk).values_list("email_hash", flat=True)
    assert stored[0] == crypto.keyed_hash(EMAIL.lower())


def test_the_hash_uses_its_own_key(settings):
    before = crypto.keyed_hash("a@example.org")
    settings.HEARTH_HASH_KEY = "another-hash-key-of-at-least-32-characters"
    assert crypto.keyed_hash("a@example.org") != before
    settings.SECRET_KEY = "changed-secret-key-" + "x" * 40
    assert crypto.keyed_hash("a@example.org") == crypto.keyed_hash("a@example.org")


def test_an_invitation_to_someone_new_moves_under_her_key_when_she_joins(helen_fac):
    group, helen = helen_fac.group, helen_fac.user
    first, token = services.invitation_create(
        group=group, acting_user=helen, email="new.person@example.org", phone=PHONE
    )
    second, _ = services.invitation_create(group=group, acting_user=helen, phone=PHONE)
    assert first.key_owner_id < 0 and second.key_owner_id < 0
    temporary = [first.key_owner_id, second.key_owner_id]

    membership = services.invitation_accept(
        token=token,
        choices=services.JoinChoices(preferred_name="Newt", channels=[], agrees=False),
    )
    her = membership.user
    for invitation in (first, second):
        invitation.refresh_from_db()
        assert invitation.key_owner_id == her.pk
    assert not DataKey.objects.filter(owner_id__in=temporary).exists()
    assert Invitation.objects.get(pk=second.pk).phone == PHONE

    crypto.data_key_destroy(her.pk)
    crypto.forget_data_keys()
    with pytest.raises(crypto.UnreadableCiphertext):
        Invitation.objects.get(pk=second.pk).phone  # noqa: B018


def test_a_second_invitation_to_a_member_goes_under_her_key(helen_fac):
    _first, token = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, phone=PHONE
    )
    her = services.invitation_accept(
        token=token,
        choices=services.JoinChoices(
            preferred_name="Pat", channels=[], agrees=False, password="a long pass phrase 7"
        ),
    ).user
    second, _ = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, phone="07700-900-777"
    )
    assert second.key_owner_id == her.pk


# --- the data migration, on rows written the old way -------------------------------


def write_old_way(sam, agreement, helen_fac):
    """Rows as the old columns held them: her words in the clear, the invitation's
    e-mail in the clear and its phone under the master key."""
    profile = Profile.objects.create(user=sam, preferred_name="Sam")
    safe = SafeContactProfile.objects.create(member=sam)
    contact = SupportContact.objects.create(member=sam, kind="trusted_person")
    response = AgreementResponse.objects.create(version=agreement, member=sam, agrees=False)
    comment = AgreementComment.objects.create(version=agreement, author=sam, text="x")
    invitation = Invitation.objects.create(
        group=helen_fac.group, token_hash="o" * 64, expires_at="2099-01-01T00:00Z"
    )
    with connection.cursor() as cursor:
        for table, column, value, pk in (
            ("groups_profile", "pronouns", PRONOUNS, profile.pk),
            ("groups_safecontactprofile", "sender_name", SENDER, safe.pk),
            ("groups_safecontactprofile", "reply_word", REPLY, safe.pk),
            ("groups_supportcontact", "name", CONTACT_NAME, contact.pk),
            ("groups_agreementresponse", "disagreement", DISAGREEMENT, response.pk),
            ("groups_agreementcomment", "text", COMMENT, comment.pk),
        ):
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608
        cursor.execute(
            "UPDATE groups_invitation SET email = %s, phone = %s, key_owner_id = NULL, "
            "email_hash = '', phone_hash = '' WHERE id = %s",
            [EMAIL.lower(), crypto.encrypt(PHONE), invitation.pk],
        )
    return invitation


def test_the_migration_encrypts_rows_written_the_old_way_and_can_be_undone(
    sam, sam_membership, helen_fac, agreement
):
    invitation = write_old_way(sam, agreement, helen_fac)
    editor = SimpleNamespace(connection=connection)
    assert len(scan_every_table(HER_WORDS[:-1])) == 7

    MIGRATION.encrypt_existing(apps, editor)
    MIGRATION.encrypt_existing(apps, editor)  # twice, one effect
    assert scan_every_table(HER_WORDS) == []
    crypto.forget_data_keys()
    assert read_back(sam) == [PRONOUNS, SENDER, REPLY, CONTACT_NAME, DISAGREEMENT, COMMENT]
    migrated = Invitation.objects.get(pk=invitation.pk)
    assert migrated.key_owner_id < 0
    assert (migrated.email, migrated.phone) == (EMAIL.lower(), PHONE)
    assert list(Invitation.objects.to_address(phone=PHONE)) == [migrated]

    MIGRATION.decrypt_existing(apps, editor)
    assert len(scan_every_table(HER_WORDS[:-1])) == 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM groups_invitation WHERE id = %s", [invitation.pk])
        assert crypto.decrypt(cursor.fetchone()[0]) == PHONE  # back under the master key


def test_forms_still_refuse_words_that_are_too_long(sam, sam_membership):
    from groups.forms.member import SafeContactForm

    form = SafeContactForm(data={"sender_name": "x" * 41, "time_zone": "Europe/London"})
    assert not form.is_valid()
    assert "sender_name" in form.errors


def test_a_new_person_is_not_mistaken_for_someone_else(helen_fac):
    UserFactory(username="other", email="other@example.org")
    invitation, _ = services.invitation_create(
        group=helen_fac.group, acting_user=helen_fac.user, email="fresh@example.org"
    )
    assert invitation.key_owner_id < 0
