"""Encryption at rest for sensitive text, built directly on `cryptography`.

Keys come from settings.HEARTH_FIELD_KEYS (newest first), never from SECRET_KEY,
so rotating one secret cannot make the other's data unreadable.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableCiphertext(Exception):
    """The stored value cannot be decrypted by any configured key."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet for the configured keys: encrypts with the first, reads with any."""
    return _fernet_for(tuple(settings.HEARTH_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt, or fail loudly: returning the ciphertext would re-encrypt it on the next save."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableCiphertext("no configured key can read this value") from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableCiphertext("no configured key can read this value") from None
