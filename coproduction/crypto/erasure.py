"""Erasure step: her data key."""

from __future__ import annotations

from coproduction import crypto
from coproduction.core import erasure


@erasure.step("crypto.data_key", order=erasure.DESTROY_KEYS)
def destroy_data_key(person: erasure.Person) -> None:
    """Destroy her data key, so every encrypted field of hers, in the database and in
    any later backup, can never be read again."""
    crypto.data_key_destroy(person.pk)
