"""The outbox: every message to a person is a row here before it is anything else."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduction.crypto.fields import EncryptedTextField
from coproduction.outbox.channels import Channel


class Message(models.Model):
    """One message to one person, by one channel, from the cause named by its `key`.

    The text holds her name, so it is encrypted with her own data key; the row goes when
    her account does. Whether it may be sent is asked when it is sent, never before."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        HELD = "held", _("Could not reach her safely")
        FAILED = "failed", _("Could not be sent")
        CANCELLED = "cancelled", _("Cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # What caused it (a check-in, a sign-in code…): the domain names its kinds.
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    subject = EncryptedTextField(blank=True, owner_field="recipient_id")
    body = EncryptedTextField(owner_field="recipient_id")
    mentions_group = models.BooleanField(default=False)
    # Derived from the cause ("checkin:<plan>:<date>"): the same cause queues one message.
    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # Why it waits, was held or failed, in words facilitators can read: never her text.
    last_error = models.CharField(max_length=300, blank=True)
    provider_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's two questions, each answered from a small index: what is due,
            # and what a dead worker left half-sent.
            models.Index(
                fields=["due_at"],
                name="outbox_due_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="outbox_stranded",
                condition=models.Q(status="sending"),
            ),
            models.Index(fields=["recipient", "-created_at"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
