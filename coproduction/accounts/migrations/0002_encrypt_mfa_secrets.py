"""Encrypt the TOTP secrets and recovery-code seeds already stored in the clear.

Reversible: going back decrypts them, for a rollback to code without HearthMFAAdapter.
Values that already read as ciphertext are left alone, so running it twice is harmless."""

from django.db import migrations

from coproduction import crypto
from coproduction.accounts.mfa import map_secrets


def _is_ciphertext(value: str) -> bool:
    try:
        crypto.decrypt(value)
    except (crypto.UnreadableCiphertext, ValueError):
        return False
    return True


def _encrypt(value: str) -> str:
    return value if _is_ciphertext(value) else crypto.encrypt(value)


def _decrypt(value: str) -> str:
    return crypto.decrypt(value) if _is_ciphertext(value) else value


def _apply(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = map_secrets(authenticator.type, authenticator.data, change)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor):
    _apply(apps, _encrypt)


def decrypt_secrets(apps, schema_editor):
    _apply(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
