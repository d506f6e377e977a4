"""How a message leaves by each channel: one small interface, a backend per channel
named in settings (`HEARTH_OUTBOX_BACKENDS`).

A backend's `send(message, to=..., sender=...)` returns the provider's reference, or
raises `SendFailed` (permanent, or worth trying again later). It is handed the address
and sender name the gate chose: it never looks them up, so no channel can reach a person
the gate did not name.
"""

from __future__ import annotations

import hashlib
import sys
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from coproduction.outbox.models import Message


class SendFailed(Exception):
    """The provider did not take the message. `permanent`: trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Backend(Protocol):
    def send(self, message: Message, *, to: str, sender: str) -> str: ...


def backend_for(channel: str) -> Backend | None:
    """The backend settings name for `channel`, or None if it has none."""
    path = settings.HEARTH_OUTBOX_BACKENDS.get(channel)
    return import_string(path)() if path else None


def key_digest(message: Message) -> str:
    """The message's key as a short opaque reference: it names a cause, which is hers."""
    return hashlib.sha256(message.key.encode()).hexdigest()[:24]


class EmailBackend:
    """E-mail through Django's mail backend (SMTP, or a provider's through django-anymail)."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        # Her sender name, if she chose one, on the project's own sending address.
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        from_email = formataddr((sender, address)) if sender else settings.DEFAULT_FROM_EMAIL
        email = EmailMessage(message.subject, message.body, from_email=from_email, to=[to])
        try:
            email.send()
        except OSError as error:  # SMTP and connection errors are OSErrors
            raise SendFailed(f"The mail server did not take it ({type(error).__name__}).") from None
        return key_digest(message)


class FileSMSBackend:
    """For a checkout: each text message is a file under var/sms/ and is echoed to the
    console, as mail is. A message's file is named by its key, so sending it again
    changes nothing: the one stand-in provider that dedupes as a real one would."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        folder = Path(settings.VAR_DIR) / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        reference = key_digest(message)
        path = folder / f"{reference}.txt"
        if not path.exists():
            text = f"To: {to}\nFrom: {sender or '-'}\n\n{message.body}\n"
            path.write_text(text)
            sys.stdout.write(text + "-" * 79 + "\n")
            sys.stdout.flush()
        return reference


class MemoryBackend:
    """For tests: every send is kept, in order, so a test can count what went out."""

    sent: list[tuple[str, str, str, str]] = []  # (key, to, sender, body)

    def send(self, message: Message, *, to: str, sender: str) -> str:
        self.sent.append((message.key, to, sender, message.body))
        return key_digest(message)


class NoProvider:
    """Where no provider is set up for a channel in production: nothing is sent, and
    facilitators see why."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        raise SendFailed("No provider is set up for this way of sending.", permanent=True)
