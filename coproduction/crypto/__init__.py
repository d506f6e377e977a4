"""Encryption at rest for sensitive text, built directly on `cryptography`.

Two layers. Master keys come from settings.HEARTH_FIELD_KEYS (newest first), never
from SECRET_KEY. Each person whose data is stored gets her own data key, kept in
the database wrapped (encrypted) by the master keys; her fields are encrypted with
it, so destroying that one key makes everything of hers unreadable for good —
in the live database and in any backup taken afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

DATA_KEY_PREFIX = "dk:"
# Unwrapped data keys are kept in memory this long. Destroying a key evicts it in the
# destroying process at once; in other processes it is gone within this many seconds.
DATA_KEY_CACHE_SECONDS = 60

_data_keys: dict[int, tuple[float, Fernet]] = {}
_key_ids_by_owner: dict[int, int] = {}


class UnreadableCiphertext(Exception):
    """The stored value cannot be decrypted: no key can read it, or its key was destroyed."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet for the master keys: encrypts with the first, reads with any."""
    return _fernet_for(tuple(settings.HEARTH_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    """Encrypt under the newest master key."""
    return fernet().encrypt(plaintext.encode()).decode()


def _master_decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableCiphertext("no configured key can read this value") from None


def rotate(token: str) -> str:
    """Re-encrypt a master-key token under the newest master key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableCiphertext("no configured key can read this value") from None


def token_hash(token: str) -> str:
    """SHA-256 of a secret handed out once (a link's token, a calendar address): what is
    kept to find it again, which opens nothing by itself. The secret is random and long,
    so no key is needed to keep it from being guessed."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 of `text` under HEARTH_HASH_KEY, for finding an encrypted value by
    what it equals without storing it readable. Empty text hashes to empty."""
    if not text:
        return ""
    return hmac.new(settings.HEARTH_HASH_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


# --- per-person data keys ---------------------------------------------------------


def _remember(key_id: int, owner_id: int, wrapped: str) -> Fernet:
    data_key = Fernet(_master_decrypt(wrapped))
    _data_keys[key_id] = (time.monotonic(), data_key)
    _key_ids_by_owner[owner_id] = key_id
    return data_key


def _cached(key_id: int) -> Fernet | None:
    entry = _data_keys.get(key_id)
    if entry is None or time.monotonic() - entry[0] > DATA_KEY_CACHE_SECONDS:
        return None
    return entry[1]


def _load(key_id: int) -> Fernet:
    from coproduction.crypto.models import DataKey

    row = DataKey.objects.filter(pk=key_id).values_list("owner_id", "wrapped").first()
    if row is None:
        _data_keys.pop(key_id, None)
        raise UnreadableCiphertext("this value's data key has been destroyed")
    return _remember(key_id, row[0], row[1])


def encrypt_for(owner_id: int, plaintext: str) -> str:
    """Encrypt with the owner's data key, making the key the first time she needs one."""
    return encrypt_bytes_for(owner_id, plaintext.encode()).decode()


def encrypt_bytes_for(owner_id: int, plaintext: bytes) -> bytes:
    """`encrypt_for` for bytes (a file of hers)."""
    from coproduction.crypto.models import DataKey

    key_id = _key_ids_by_owner.get(owner_id)
    data_key = _cached(key_id) if key_id is not None else None
    if data_key is None:
        row, _ = DataKey.objects.get_or_create(
            owner_id=owner_id, defaults={"wrapped": encrypt(Fernet.generate_key().decode())}
        )
        key_id = row.pk
        data_key = _remember(row.pk, owner_id, row.wrapped)
    return f"{DATA_KEY_PREFIX}{key_id}:".encode() + data_key.encrypt(plaintext)


def decrypt(token: str) -> str:
    """Decrypt a master-key or data-key token, or fail loudly: returning the ciphertext
    would have it encrypted again on the next save."""
    if not token.startswith(DATA_KEY_PREFIX):
        return _master_decrypt(token)
    return decrypt_bytes(token.encode()).decode()


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt what `encrypt_bytes_for` made, or fail loudly."""
    prefix = DATA_KEY_PREFIX.encode()
    if not token.startswith(prefix):
        raise UnreadableCiphertext("this value was not encrypted with a data key")
    key_part, _, body = token[len(prefix) :].partition(b":")
    try:
        key_id = int(key_part)
    except ValueError:
        raise UnreadableCiphertext("this value names no data key") from None
    data_key = _cached(key_id)
    if data_key is not None:
        try:
            return data_key.decrypt(body)
        except InvalidToken:
            pass  # a stale cache entry (the key was replaced): read it afresh
    try:
        return _load(key_id).decrypt(body)
    except InvalidToken:
        raise UnreadableCiphertext("no key can read this value") from None


def warm_data_keys(owner_ids) -> None:
    """Load the data keys of many people in one query, before a page decrypts their fields."""
    from coproduction.crypto.models import DataKey

    wanted = {pk for pk in owner_ids if pk is not None}
    missing = [pk for pk in wanted if _cached(_key_ids_by_owner.get(pk, -1)) is None]
    if not missing:
        return
    for key_id, owner_id, wrapped in DataKey.objects.filter(owner_id__in=missing).values_list(
        "pk", "owner_id", "wrapped"
    ):
        _remember(key_id, owner_id, wrapped)


def data_key_destroy(owner_id: int) -> bool:
    """Destroy her data key: everything encrypted with it can never be read again."""
    from coproduction.crypto.models import DataKey

    key_id = _key_ids_by_owner.pop(owner_id, None)
    if key_id is not None:
        _data_keys.pop(key_id, None)
    deleted, _ = DataKey.objects.filter(owner_id=owner_id).delete()
    return bool(deleted)


def forget_data_keys() -> None:
    """Drop every unwrapped data key held in this process."""
    _data_keys.clear()
    _key_ids_by_owner.clear()
