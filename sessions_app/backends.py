"""The outbox's 'through my support worker' channel, which only the domain can carry out:
it knows who her support worker is."""

from __future__ import annotations

from django.utils.translation import gettext as _

from coproduction.outbox.backends import SendFailed
from coproduction.outbox.models import Message
from sessions_app.services.pass_on import her_support_worker, pass_on_create


class SupportWorkerBackend:
    """Sending is handing the message to her support worker as a task; with none, it
    fails for good, and facilitators see why: it is never sent another way on its own."""

    def send(self, message: Message, *, to: str, sender: str) -> str:
        worker = her_support_worker(message.recipient)
        if worker is None:
            raise SendFailed(
                _("She has no support worker in Hearth to pass it on."), permanent=True
            )
        return f"passon:{pass_on_create(message=message, worker=worker).pk}"
