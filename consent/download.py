"""Her choices and contributions, as sections of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consent import policy
from consent.models import Answer, ConsentEvent, Contribution, CurrentAnswer
from coproduction.core import download
from coproduction.core.download import person, when


@download.section("choices", _("Choices"), order=download.CONSENT, covers=(CurrentAnswer,))
def choices(member) -> list[dict]:
    """Her answer now to every question, and since when."""
    return [
        {"question": c.text.question, "answer": Answer(c.answer).label,
         "since": when(c.event.at) if c.event else None}
        for c in policy.choices(member)
    ]  # fmt: skip


@download.section(
    "choices_history",
    _("Choices history"),
    order=download.CONSENT + 100,
    covers=(ConsentEvent,),
)
def choices_history(member) -> list[dict]:
    """Every answer she gave, who recorded it and how."""
    events = ConsentEvent.objects.filter(member=member).select_related(
        "purpose", "text", "recorded_by"
    )
    return [
        {"when": when(e.at), "question": e.text.question, "answer": e.get_answer_display(),
         "recorded_by": person(e.recorded_by, member), "how": e.get_method_display()}
        for e in events
    ]  # fmt: skip


@download.section(
    "contributions", _("Contributions"), order=download.CONSENT + 200, covers=(Contribution,)
)
def contributions(member) -> list[dict]:
    """What she gave the group, and who may see it."""
    return [
        {"kind": c.get_kind_display(), "text": c.text,
         "who_can_see": c.get_visibility_display(), "added": when(c.created_at)}
        for c in member.contributions.all()
    ]  # fmt: skip
