"""What the outbox holds of her, as a section of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.core import download
from coproduction.core.download import when
from coproduction.outbox.models import Message


@download.section(
    "messages", _("Messages we sent you"), order=download.TRAIL - 50, covers=(Message,)
)
def messages(member) -> list[dict]:
    """Every message kept for her: how, when, whether it went, and its words."""
    return [
        {"what": m.kind, "how": m.get_channel_display(), "status": m.get_status_display(),
         "due": when(m.due_at), "sent": when(m.sent_at), "subject": m.subject, "text": m.body}
        for m in Message.objects.filter(recipient=member).order_by("created_at", "pk")
    ]  # fmt: skip
