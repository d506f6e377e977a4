"""Key rotation. With accounts, not crypto: it re-encrypts second-factor secrets too, which
accounts keeps encrypted (`coproduction.accounts.mfa`), and accounts already stands on crypto."""

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from coproduction import crypto
from coproduction.accounts.mfa import SECRET_KEYS, map_secrets
from coproduction.crypto.fields import EncryptedTextField
from coproduction.crypto.models import DataKey


def encrypted_fields():
    """Every (model, [column names]) that holds encrypted text."""
    for model in apps.get_models():
        names = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = (
        "Re-encrypt under the newest key in HEARTH_FIELD_KEYS: every person's data key is "
        "re-wrapped, and text held under a master key is re-encrypted, second-factor "
        "secrets included."
    )

    def handle(self, *args, **options):
        keys = 0
        for data_key in DataKey.objects.iterator(chunk_size=500):
            DataKey.objects.filter(pk=data_key.pk).update(wrapped=crypto.rotate(data_key.wrapped))
            keys += 1
        rows = sum(self._rotate_table(model, names) for model, names in encrypted_fields())
        rows += self._rotate_authenticators()
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped {keys} data keys; re-encrypted {rows} rows under the newest key."
            )
        )

    def _rotate_table(self, model, columns: list[str]) -> int:
        """Raw tokens are read and rewritten, so no decrypted text passes through models.
        Values under a data key are left alone: re-wrapping their key is enough."""
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        selected = ", ".join(quote(c) for c in columns)
        rotated = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {selected} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        for row_pk, *tokens in rows:
            updates = {
                column: crypto.rotate(token)
                for column, token in zip(columns, tokens, strict=True)
                if token and not token.startswith(crypto.DATA_KEY_PREFIX)
            }
            if not updates:
                continue
            assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                    [*updates.values(), row_pk],
                )
            rotated += 1
        return rotated

    def _rotate_authenticators(self) -> int:
        """allauth's TOTP secrets and recovery seeds, encrypted by HearthMFAAdapter."""
        rotated = 0
        for authenticator in Authenticator.objects.filter(type__in=SECRET_KEYS).iterator():
            data = map_secrets(authenticator.type, authenticator.data, crypto.rotate)
            if data != authenticator.data:
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                rotated += 1
        return rotated
