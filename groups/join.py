"""The join wizard's state: which steps a link has, which one is open, what she may be offered.

Her answers so far live in her session under a key derived from the link's token, until the
last step hands them to `services.invitation_accept`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.crypto import salted_hmac

from coproduction.outbox.channels import Channel
from groups.models import Invitation

JOIN_STEPS = ("name", "contact", "agreement", "password")

# What she has answered once a step is done; the password step is never "done" in the
# session, because the password is only ever handed straight to the service.
STEP_ANSWER = {"name": "preferred_name", "contact": "channels", "agreement": "agrees"}


def join_key(token: str) -> str:
    """Where her answers wait in the session: a keyed hash, so neither the token nor the
    hash kept on the invitation is in her session."""
    return "join:" + salted_hmac("groups.join", token).hexdigest()[:32]


def email_usable(invitation: Invitation) -> bool:
    """The link's email becomes her sign-in unless another account already has it."""
    return (
        bool(invitation.email)
        and not get_user_model().objects.filter(email__iexact=invitation.email).exists()
    )


def join_steps(usable_email: bool) -> list[str]:
    """The steps of this link: a password only when there is no email to sign in with."""
    return [step for step in JOIN_STEPS if step != "password" or not usable_email]


def first_open_step(steps: list[str], state: dict) -> str:
    """The first step not yet answered; she may go back to any step before it, never past it."""
    return next((step for step in steps if STEP_ANSWER.get(step) not in state), steps[-1])


def join_channels(invitation: Invitation, usable_email: bool) -> list[str]:
    """Only the ways of contacting her that can work with what the link came with."""
    channels = []
    if usable_email:
        channels.append(Channel.EMAIL)
    if invitation.phone:
        channels += [Channel.SMS, Channel.CALL]
    if invitation.support_worker_id:
        channels.append(Channel.SUPPORT_WORKER)
    return channels
