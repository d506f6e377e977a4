""" "You said, we did" (rule 9): what members said, what changed in a service because of
it, who made it happen and how far it has got. Facilitators keep these records; when
one becomes done, every member who was part of it is told, once, in her safe way."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduction.audit.services import audit_record
from groups import notices
from groups.models import CoproGroup, Membership
from sessions_app.models import Attendance, ServiceChange
from sessions_app.services.notes import is_facilitator, placeable

CHANGE_DONE = "change_done"
KIND_LABELS = {CHANGE_DONE: gettext_lazy("Something she was part of was done")}

# The fields a facilitator writes; the links are given as lists of rows.
FIELDS = ("you_said", "we_did", "made_by", "status", "why_not", "proposed_on", "done_on")
LINKS = ("sessions", "contributions")
Status = ServiceChange.Status


def _clean(fields: dict, *, today: dt.date) -> dict:
    """The fields as kept, or a refusal saying what to fix."""
    fields = dict(fields)
    for name in ("you_said", "we_did", "made_by", "why_not"):
        fields[name] = (fields.get(name) or "").strip()
    status = fields.get("status") or Status.PROPOSED
    if status not in Status.values:
        raise ValidationError({"status": _("Please choose how far it has got.")})
    fields["status"] = status
    if not fields["you_said"]:
        raise ValidationError({"you_said": _("Please say what members said.")})
    if status == Status.NOT_POSSIBLE and not fields["why_not"]:
        raise ValidationError(
            {"why_not": _("Please say why it was not possible: members will read it.")}
        )
    fields["proposed_on"] = fields.get("proposed_on") or today
    if status == Status.DONE:
        fields["done_on"] = fields.get("done_on") or today
        if fields["done_on"] > today:
            raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    else:
        # A day done only for a change that is done: members would read it as done.
        fields["done_on"] = None
    return fields


def _links(group, change: ServiceChange | None, sessions, contributions):
    if sessions is not None:
        sessions = list(sessions)
        if any(s.group_id != group.pk for s in sessions):
            raise ValidationError({"sessions": _("Only this group's dates can be linked.")})
    if contributions is not None:
        already = list(change.contributions.all()) if change is not None else []
        contributions = placeable(contributions, group=group, already=already)
    return sessions, contributions


def service_change_save(
    *, group: CoproGroup, acting_user, change: ServiceChange | None = None, **fields
) -> ServiceChange:
    """Record a change of `group`, or edit `change`: `why_not` is needed when it was not
    possible; `done_on` is today when it becomes done without one. Only the group's own
    dates and contributions are linked. When it becomes done, each member part of it is
    told once. Saved again as it is, nothing changes; the same new change sent twice
    (a double click) is recorded once."""
    if not is_facilitator(acting_user, group):
        raise ValidationError(_("Only the group's facilitators can record changes."))
    if change is not None and change.group_id != group.pk:
        raise ValidationError(_("This change belongs to another group."))
    unknown = set(fields) - set(FIELDS) - set(LINKS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    today = timezone.localdate()
    with transaction.atomic():
        # One writer at a time per group: a double click makes one change, not two.
        CoproGroup.objects.select_for_update().filter(pk=group.pk).first()
        if change is not None:
            change = ServiceChange.objects.select_for_update().get(pk=change.pk)
        # An edit changes what it is given and keeps the rest.
        current = {name: getattr(change, name) for name in FIELDS} if change is not None else {}
        given = {name: value for name, value in fields.items() if name in FIELDS}
        kept = _clean({**current, **given}, today=today)
        sessions, contributions = _links(
            group, change, fields.get("sessions"), fields.get("contributions")
        )
        if change is None:
            change = ServiceChange.objects.filter(
                group=group,
                created_by=acting_user,
                you_said=kept["you_said"],
                proposed_on=kept["proposed_on"],
            ).first()
            if change is not None:
                return change
            change = ServiceChange.objects.create(group=group, created_by=acting_user, **kept)
            changed = True
        else:
            changed = any(getattr(change, name) != value for name, value in kept.items())
            if changed:
                for name, value in kept.items():
                    setattr(change, name, value)
                change.updated_at = timezone.now()
                change.save()
        for name, rows in (("sessions", sessions), ("contributions", contributions)):
            if rows is None:
                continue
            manager = getattr(change, name)
            if {r.pk for r in manager.all()} != {r.pk for r in rows}:
                manager.set(rows)
                changed = True
        if not changed:
            return change
        audit_record(actor=acting_user, action="service_change.save", subject=change)
        if change.status == Status.DONE:
            change_done_notify(change=change)
    return change


def members_part_of(change: ServiceChange) -> set[int]:
    """The members part of `change`, by id: who said the contributions linked to it, and
    who came to the dates linked to it. Two queries."""
    said = set(change.contributions.values_list("member_id", flat=True))
    came = Attendance.objects.filter(session__in=change.sessions.values("pk"), came=True)
    return said | set(came.values_list("member_id", flat=True))


def change_done_notify(*, change: ServiceChange) -> int:
    """Tell each member part of a done `change`, still in its group and not on a break,
    that it was done: once each (`change_done:<change>:<member>`), by her safe way, in
    neutral words unless she let messages mention the group. Returns how many were
    queued; asked again, none."""
    if change.status != Status.DONE:
        return 0
    in_group = Membership.objects.members().filter(
        group_id=change.group_id, status=Membership.Status.ACTIVE
    )
    ids = in_group.filter(user_id__in=members_part_of(change)).values("user_id")
    group_name = change.group.member_facing_name
    return notices.notices_queue(
        notices.members_to_tell(ids),
        kind=CHANGE_DONE,
        key=lambda member: f"change_done:{change.pk}:{member.pk}",
        words=lambda member, *, clear: change_done_words(
            member, clear=clear, group_name=group_name
        ),
    )


def change_done_words(member, *, clear: bool, group_name: str) -> tuple[str, str]:
    """Something she was part of has been done. Neutral words unless she let messages
    mention the group: nothing in them says what for, or where."""
    if clear:
        return (
            _("Hearth: you said, we did"),
            _(
                "Hearth: something you were part of in %(group)s has been done. Please sign "
                "in to see what changed and when."
            )
            % {"group": group_name},
        )
    return (
        _("Good news"),
        _("Something you helped with has happened. Please sign in to see what changed."),
    )
