"""Staff second factors at rest: TOTP secrets and recovery seeds are stored encrypted under
the field keys (allauth's MFA adapter), old rows are migrated, and rotation covers them."""

from __future__ import annotations

import importlib
import io
import json
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from coproduction import crypto
from tests.factories import PASSWORD

MIGRATION = importlib.import_module("coproduction.accounts.migrations.0002_encrypt_mfa_secrets")


def raw_data(authenticator) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def code_for(secret: str) -> str:
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def sign_in_with_totp(client, secret: str):
    response = client.post(reverse("account_login"), {"login": "helen", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})


@pytest.fixture
def mfa_required(settings):
    settings.HEARTH_REQUIRE_MFA = True


def test_a_raw_read_of_the_table_finds_no_totp_secret(helen):
    secret = generate_totp_secret()
    totp = TOTP.activate(helen, secret).instance
    assert secret not in raw_data(totp)
    assert crypto.decrypt(Authenticator.objects.get(pk=totp.pk).data["secret"]) == secret


def test_a_raw_read_finds_no_recovery_seed(helen):
    codes = RecoveryCodes.activate(helen)
    seed = crypto.decrypt(codes.instance.data["seed"])
    assert seed not in raw_data(codes.instance)
    assert RecoveryCodes(codes.instance).validate_code(codes.get_unused_codes()[0])


def test_totp_sign_in_still_works(client, helen, mfa_required):
    secret = generate_totp_secret()
    TOTP.activate(helen, secret)
    response = sign_in_with_totp(client, secret)
    assert response.status_code == 302
    assert client.get(reverse("staff_home")).status_code == 200


def test_a_secret_left_in_the_clear_is_refused_loudly(helen):
    secret = generate_totp_secret()
    totp = Authenticator.objects.create(
        user=helen, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    with pytest.raises(crypto.UnreadableCiphertext):
        TOTP(totp).validate_code(code_for(secret))


def test_the_migration_encrypts_rows_written_the_old_way_and_can_be_undone(helen):
    secret = generate_totp_secret()
    totp = Authenticator.objects.create(
        user=helen, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    codes = Authenticator.objects.create(
        user=helen,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )

    MIGRATION.encrypt_secrets(apps, None)
    MIGRATION.encrypt_secrets(apps, None)  # twice, one effect
    assert secret not in raw_data(totp)
    assert "ab" * 40 not in raw_data(codes) and "12345678" not in raw_data(codes)
    totp.refresh_from_db()
    assert TOTP(totp).validate_code(code_for(secret))
    codes.refresh_from_db()
    assert RecoveryCodes(codes).generate_codes() == ["12345678"]

    MIGRATION.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    assert totp.data == {"secret": secret}


def test_rotation_re_encrypts_totp_secrets_under_the_new_key(client, helen, settings, mfa_required):
    secret = generate_totp_secret()
    TOTP.activate(helen, secret)
    new_key = Fernet.generate_key().decode()
    settings.HEARTH_FIELD_KEYS = [new_key, *settings.HEARTH_FIELD_KEYS]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "re-encrypted 1 rows" in out.getvalue()

    settings.HEARTH_FIELD_KEYS = [new_key]
    crypto.forget_data_keys()
    assert sign_in_with_totp(client, secret).status_code == 302
    assert client.get(reverse("staff_home")).status_code == 200
