"""The audit trail about her, as a section of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.audit.models import AuditEvent
from coproduction.core import download
from coproduction.core.download import person, when

# Her download names at most this many entries, the latest first.
TRAIL_LIMIT = 1000


@download.section(
    "who_looked_or_changed", _("Who looked or changed"), order=download.TRAIL, covers=(AuditEvent,)
)
def who_looked_or_changed(member) -> list[dict]:
    """Who looked at or changed her data, and when."""
    return [
        {"when": when(e.at), "who": person(e.actor, member), "what": e.action}
        for e in AuditEvent.objects.about(member).select_related("actor")[:TRAIL_LIMIT]
    ]
