from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from coproduction import crypto


class Ciphertext(str):
    """A value as stored: encrypted, not yet read."""


class DecryptingAttribute(DeferredAttribute):
    """Decrypts on first access, so loading a row costs no key look-up until a page
    actually shows the text. A data descriptor, so every read passes through here."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = crypto.decrypt(value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text stored encrypted; cannot be filtered, ordered or made unique.

    With `owner_field` (the attribute holding the owner's id, e.g. "member_id") the text
    is encrypted with that person's own data key, so destroying the key erases it.
    Write through model instances: `QuerySet.update()` skips `pre_save` and would fall
    back to the master key.
    """

    descriptor_class = DecryptingAttribute

    def __init__(self, *args, owner_field: str | None = None, **kwargs):
        self.owner_field = owner_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.owner_field:
            kwargs["owner_field"] = self.owner_field
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Ciphertext(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        owner_id = getattr(model_instance, self.owner_field) if self.owner_field else None
        if owner_id is not None:
            return Ciphertext(crypto.encrypt_for(owner_id, value))
        return Ciphertext(crypto.encrypt(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)
