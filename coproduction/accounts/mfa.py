"""Second factors at rest: allauth keeps each TOTP secret and recovery-code seed in
`mfa_authenticator.data`; this adapter stores them encrypted under the master field
keys, so a copy of the database (or a backup) holds no usable second factor."""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from coproduction import crypto

# The keys of Authenticator.data that hold a secret passed through encrypt(), by type.
SECRET_KEYS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


class HearthMFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter with its secrets encrypted by `coproduction.crypto`."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        # Fails loudly on an unreadable value: a secret in the clear is a migration not run.
        return crypto.decrypt(encrypted_text)


def map_secrets(kind: str, data: dict, change) -> dict:
    """A copy of an authenticator's `data` with `change` applied to each secret in it."""
    data = dict(data)
    for key in SECRET_KEYS.get(kind, ()):
        if data.get(key):
            data[key] = change(data[key])
    for key in SECRET_LISTS.get(kind, ()):
        if data.get(key):
            data[key] = [change(value) for value in data[key]]
    return data
