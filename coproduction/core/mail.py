"""The one door every e-mail leaves Hearth by, and the file backend for a checkout.

The platform knows no domain app, so the rule for reaching a member (rule 3) is handed
over by name: `HEARTH_CONTACT_GATE` names a function of the domain, called as
`gate(user, channel="email", login_code=...)`, whose answer has `.allowed`.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

EMAIL = "email"


def _same_address(message: EmailMessage, address: str) -> bool:
    recipients = [*message.to, *message.cc, *message.bcc]
    return bool(address) and [r.strip().lower() for r in recipients] == [address.strip().lower()]


def send_mail_if_safe(message: EmailMessage, *, recipient, login_code: bool = False) -> bool:
    """Send `message` only to `recipient`'s own address, and only if it is safe now.

    Staff are reached at the work address on their account: rule 3 is about members,
    and staff have no safe-contact profile. A member is reached only if the contact
    gate allows e-mail to her now; a sign-in code (`login_code`) need not wait for her
    window but still goes only by a channel she allowed. Returns whether it was sent.

    Until account mail goes through the outbox (`coproduction.outbox`, issue 9), a
    message the gate says must wait for her next window is not kept for later: it is
    simply not sent now.
    """
    if recipient is None or not recipient.is_active or not _same_address(message, recipient.email):
        logger.info("Mail not sent: no active account has this as its own address.")
        return False
    if recipient.is_member:
        gate = import_string(settings.HEARTH_CONTACT_GATE)
        decision = gate(recipient, channel=EMAIL, login_code=login_code)
        if not decision.allowed:
            logger.info("Mail not sent to member %s: %s", recipient.pk, decision.reason)
            return False
    message.send()
    return True


class FileAndConsoleBackend(FileBackend):
    """For a checkout: each message is kept as a file under var/mail and echoed to the
    console, so a newcomer can read a sign-in code without a mail server."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(message.message().as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()
