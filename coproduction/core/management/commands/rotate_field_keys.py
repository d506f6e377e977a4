from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from coproduction import crypto
from coproduction.crypto.fields import EncryptedTextField


def encrypted_fields():
    """Every (model, [field names]) that holds encrypted text."""
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key in HEARTH_FIELD_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model, names in encrypted_fields():
            # Raw tokens are read and rewritten (no decrypt/encrypt round trip in Python
            # objects), so values that are already current stay byte-for-byte comparable.
            table = model._meta.db_table
            pk = model._meta.pk.column
            rows = model.objects.values_list("pk", flat=True).iterator(chunk_size=500)
            for row_pk in rows:
                with transaction.atomic():
                    updates = {}
                    with transaction.get_connection().cursor() as cursor:
                        columns = ", ".join(cursor.db.ops.quote_name(n) for n in names)
                        cursor.execute(
                            f"SELECT {columns} FROM {cursor.db.ops.quote_name(table)} "  # noqa: S608
                            f"WHERE {cursor.db.ops.quote_name(pk)} = %s",
                            [row_pk],
                        )
                        values = cursor.fetchone()
                        for name, token in zip(names, values, strict=True):
                            if token:
                                updates[name] = crypto.rotate(token)
                        if updates:
                            assignments = ", ".join(
                                f"{cursor.db.ops.quote_name(n)} = %s" for n in updates
                            )
                            cursor.execute(
                                f"UPDATE {cursor.db.ops.quote_name(table)} SET {assignments} "  # noqa: S608
                                f"WHERE {cursor.db.ops.quote_name(pk)} = %s",
                                [*updates.values(), row_pk],
                            )
                            total += 1
            self.stdout.write(f"{model._meta.label}: {', '.join(names)}")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows under the newest key."))
