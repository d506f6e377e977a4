"""The door every message allauth writes leaves Hearth by.

Account messages (sign-in codes by e-mail or text, password resets, address
confirmations) are kept in the outbox like every other message: recorded, retried and
sent once. The platform knows no domain app, so the rule for reaching a member (rule 3)
is handed over by name: `HEARTH_CONTACT_GATE` names a function of the domain, called as
`gate(user, channel=..., login_code=...)`, whose answer has `.allowed` and
`.should_wait`; the outbox asks its own gate again at the moment of sending.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from coproduction.outbox import services as outbox
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message

logger = logging.getLogger(__name__)

# The one kind of message that does not wait for her safe window: she is at the sign-in
# page now, and the code lasts ten minutes.
SIGN_IN_CODE = "sign_in_code"
# Every other mail about her account (a password reset, an address to confirm): it waits
# for her window like any message.
ACCOUNT_MAIL = "account_mail"
ACCOUNT_KINDS = (SIGN_IN_CODE, ACCOUNT_MAIL)


def _same_address(message: EmailMessage, address: str) -> bool:
    recipients = [*message.to, *message.cc, *message.bcc]
    return bool(address) and [r.strip().lower() for r in recipients] == [address.strip().lower()]


def account_mail_queue(
    message: EmailMessage, *, recipient, login_code: bool = False
) -> Message | None:
    """Keep an e-mail allauth wrote in the outbox, if it is to `recipient`'s own address
    and may ever go to her (`account_message_queue`). Returns the message kept, or None."""
    if recipient is None or not _same_address(message, recipient.email):
        logger.info("Mail not kept: no active account has this as its own address.")
        return None
    return account_message_queue(
        recipient=recipient,
        channel=Channel.EMAIL,
        subject=str(message.subject),
        body=str(message.body),
        login_code=login_code,
    )


def account_message_queue(
    *, recipient, channel: str, body: str, subject: str = "", login_code: bool = False
) -> Message | None:
    """Keep a message about `recipient`'s account (a sign-in code, a password reset) in
    the outbox, if it may ever go to her by `channel`.

    Staff are reached at the work address on their account: rule 3 is about members,
    and staff have no safe-contact profile. A member's message is kept only if the
    contact gate allows `channel` to her, now or at her next safe window: a sign-in code
    (`login_code`) need not wait for her window but still goes only by a channel she
    allowed; anything else waits for the window. What may go now is sent from this
    process as soon as the request's transaction commits, so signing in never waits for
    a worker; if that send fails it stays in the outbox, which tries again. A newer
    message of the same kind replaces one still waiting, so asking ten times on a
    Saturday night sends one reset on Monday, not ten. Returns the message kept, or None.
    """
    if not recipient.is_active:
        logger.info("Account message not kept: the account is closed.")
        return None
    now = timezone.now()
    due_at = now
    if recipient.is_member:
        gate = import_string(settings.HEARTH_CONTACT_GATE)
        decision = gate(recipient, channel=channel, login_code=login_code)
        if not decision.allowed and not decision.should_wait:
            logger.info("Account message not kept for %s: %s", recipient.pk, decision.reason)
            return None
        if not decision.allowed:
            due_at = decision.next_window
    kind = SIGN_IN_CODE if login_code else ACCOUNT_MAIL
    with transaction.atomic():
        outbox.messages_cancel(key_prefix=f"{kind}:{recipient.pk}:")
        return outbox.message_queue(
            recipient=recipient,
            kind=kind,
            channel=channel,
            subject=subject,
            body=body,
            key=f"{kind}:{recipient.pk}:{uuid.uuid4().hex}",
            due_at=due_at,
            at_once=due_at <= now,
        )
