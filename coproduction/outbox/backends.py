"""How a message leaves by each channel: one small interface, a backend per channel
named in settings (`HEARTH_OUTBOX_BACKENDS`).

A backend's `send(message, to=..., sender=...)` returns the provider's reference, or
raises `SendFailed` (permanent, or worth trying again later). It is handed the address
and sender name the gate chose: it never looks them up, so no channel can reach a person
the gate did not name.

Each provider's client library is imported when it first sends: a deployment loads only
the one it uses.
"""

from __future__ import annotations

import hashlib
import re
import sys
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coproduction.outbox.models import Message

# Seconds a provider has to answer: well inside a task's time limit.
PROVIDER_TIMEOUT = 15


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
            raise SendFailed(
                _("The mail server did not take it (%(error)s).") % {"error": type(error).__name__}
            ) from None
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


def _passing(status: int | None) -> bool:
    """A provider's answer worth trying again: it was busy, down or unreachable."""
    return status is None or status == 429 or status >= 500


# An alphanumeric sender ID as UK networks take one: 1–11 letters, digits and spaces,
# at least one a letter. Her sender name is used where it is one.
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")


class NotifySMSBackend:
    """GOV.UK Notify, for NHS-sponsored deployments. Its text-message template
    (`HEARTH_NOTIFY_SMS_TEMPLATE`) holds only `((body))`, so the words are the outbox's;
    the message goes from the service's own sender, which must say nothing of the group.
    The reference given is the message's key digest, so the two records can be matched."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        from notifications_python_client.errors import HTTPError
        from notifications_python_client.notifications import NotificationsAPIClient

        if not (settings.HEARTH_NOTIFY_API_KEY and settings.HEARTH_NOTIFY_SMS_TEMPLATE):
            raise SendFailed(_("GOV.UK Notify is not set up."), permanent=True)
        client = NotificationsAPIClient(
            api_key=settings.HEARTH_NOTIFY_API_KEY,
            base_url=settings.HEARTH_NOTIFY_BASE_URL,
            timeout=PROVIDER_TIMEOUT,
        )
        try:
            answer = client.send_sms_notification(
                phone_number=to,
                template_id=settings.HEARTH_NOTIFY_SMS_TEMPLATE,
                personalisation={"body": message.body},
                reference=key_digest(message),
            )
        except HTTPError as error:
            raise SendFailed(
                _("GOV.UK Notify answered %(status)s.") % {"status": error.status_code},
                permanent=not _passing(error.status_code),
            ) from None
        return str(answer["id"])


class TwilioSMSBackend:
    """Twilio, the commercial provider. The message comes from her sender name where it
    can be an alphanumeric sender ID ("Jo"), otherwise from the account's number."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        from requests import RequestException
        from twilio.base.exceptions import TwilioRestException
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        if not (settings.HEARTH_TWILIO_ACCOUNT_SID and settings.HEARTH_TWILIO_AUTH_TOKEN):
            raise SendFailed(_("Twilio is not set up."), permanent=True)
        client = Client(
            settings.HEARTH_TWILIO_ACCOUNT_SID,
            settings.HEARTH_TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=PROVIDER_TIMEOUT),
        )
        client.api.base_url = settings.HEARTH_TWILIO_BASE_URL
        from_ = sender if ALPHANUMERIC_SENDER.fullmatch(sender) else settings.HEARTH_TWILIO_FROM
        try:
            sent = client.messages.create(to=to, from_=from_, body=message.body)
        except TwilioRestException as error:
            raise SendFailed(
                _("Twilio answered %(status)s.") % {"status": error.status},
                permanent=not _passing(error.status),
            ) from None
        except RequestException:
            raise SendFailed(_("Twilio could not be reached.")) from None
        return str(sent.sid)


class PortalBackend:
    """A notice on her own home page: the message row is the notice, so sending it is
    only marking it sent. Nothing leaves Hearth, and she sees it once she signs in."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        return key_digest(message)


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
        raise SendFailed(_("No provider is set up for this way of sending."), permanent=True)
