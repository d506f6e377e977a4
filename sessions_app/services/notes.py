"""Session notes: drafted by a facilitator, with members' contributions placed in them,
checked by a second facilitator or a members' representative, then shared. Who sees
each contribution stays hers to decide (`consent.policy`): placing it in a note only
places it. Each write is atomic, audited, and safe to call twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent import policy
from consent.models import Contribution
from coproduction.audit.services import audit_record
from groups.models import Membership
from sessions_app.models import GroupSession, SessionNote

# A note is due to be shared this long after its session ends; then facilitators are
# reminded of it.
NOTES_DUE_AFTER = dt.timedelta(days=2)
NOTE_MAX = 20000

NOT_THIS_GROUP = gettext_lazy("Only what this group's members said can be placed here.")
OWN_NOTE = gettext_lazy(
    "You wrote this note last, so someone else checks it: another of the group's "
    "facilitators, or a members' representative."
)
WHO_CAN_APPROVE = gettext_lazy(
    "Only another of the group's facilitators, or a members' representative, can check "
    "and share this note."
)


def is_facilitator(user, group) -> bool:
    """Whether `user` facilitates `group` now (stepped back or not)."""
    return (
        Membership.objects.current()
        .filter(user=user, group=group, role=Membership.Role.FACILITATOR)
        .exists()
    )


def is_representative(user, group) -> bool:
    """Whether `user` is an active member of `group` who represents its members."""
    return Membership.objects.filter(
        user=user,
        group=group,
        role=Membership.Role.MEMBER,
        status=Membership.Status.ACTIVE,
        represents_members=True,
    ).exists()


def _require_facilitator(user, group) -> None:
    if not is_facilitator(user, group):
        raise ValidationError(_("Only the group's facilitators can write its notes."))


def placeable_in(group) -> QuerySet[Contribution]:
    """What a facilitator may place in a note or a change of `group`: said in this
    group by one of its members now, and shared with its facilitators."""
    members = Membership.objects.current().members().filter(group=group).values("user_id")
    return Contribution.objects.filter(
        group=group,
        member__in=members,
        visibility__in=policy.visibilities_seen_by(policy.FACILITATORS),
    )


def placeable(contributions: Iterable[Contribution], *, group, already=()) -> list[Contribution]:
    """`contributions` if each may be placed in a note (or a change) of `group`
    (`placeable_in`). One already placed (in `already`) stays placeable, so one she has
    since made private is not dropped by a facilitator who cannot see it. Refused
    otherwise, saying why. One query."""
    contributions = list(contributions)
    already_ids = {c.pk for c in already}
    allowed = set(
        placeable_in(group)
        .filter(pk__in=[c.pk for c in contributions])
        .values_list("pk", flat=True)
    )
    for contribution in contributions:
        if contribution.group_id != group.pk:
            raise ValidationError({"contributions": NOT_THIS_GROUP})
        if contribution.pk in already_ids or contribution.pk in allowed:
            continue
        if not policy.seen_by(contribution, policy.FACILITATORS):
            raise ValidationError(
                {"contributions": _("She has not shared this with the facilitators.")}
            )
        raise ValidationError({"contributions": NOT_THIS_GROUP})
    return contributions


def _note_for_update(note: SessionNote) -> SessionNote:
    return SessionNote.objects.select_for_update().select_related("session__group").get(pk=note.pk)


def note_save(*, session: GroupSession, acting_user, text: str, contributions) -> SessionNote:
    """Write or change the draft note of `session` (a date that has begun and was not
    called off), placing `contributions` in it. Changing a note waiting to be checked
    makes it a draft again, to be checked afresh; a shared note is not changed. The
    same words and contributions again change nothing."""
    group = session.group
    _require_facilitator(acting_user, group)
    if session.status in (GroupSession.Status.DRAFT, GroupSession.Status.CANCELLED):
        raise ValidationError(_("This date was not held, so it has no note."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("A note is written once the date has begun."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write what the session talked about.")})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": _("Please keep the note under %(most)d characters.") % {"most": NOTE_MAX}}
        )
    with transaction.atomic():
        # Lock the session so two facilitators saving the first draft at once make one note.
        GroupSession.objects.select_for_update().filter(pk=session.pk).first()
        note = SessionNote.objects.filter(session=session).first()
        if note is not None:
            note = _note_for_update(note)
        placed = list(note.contributions.all()) if note is not None else []
        contributions = placeable(contributions, group=group, already=placed)
        if note is not None:
            if note.status == SessionNote.Status.SHARED:
                raise ValidationError(
                    _("This note is shared with members, so it can no longer be changed.")
                )
            if note.text == text and {c.pk for c in placed} == {c.pk for c in contributions}:
                return note
            note.text = text
            note.status = SessionNote.Status.DRAFT
            note.drafted_by = acting_user
            note.updated_at = timezone.now()
            note.save(update_fields=["text", "status", "drafted_by", "updated_at"])
        else:
            note = SessionNote.objects.create(session=session, text=text, drafted_by=acting_user)
        note.contributions.set(contributions)
        audit_record(actor=acting_user, action="session_note.save", subject=note)
    return note


def note_submit(*, note: SessionNote, acting_user) -> bool:
    """Send a draft note to be checked. Returns whether this call sent it: sent twice,
    it is sent once."""
    _require_facilitator(acting_user, note.session.group)
    with transaction.atomic():
        note = _note_for_update(note)
        if note.status != SessionNote.Status.DRAFT:
            return False
        note.status = SessionNote.Status.TO_CHECK
        note.updated_at = timezone.now()
        note.save(update_fields=["status", "updated_at"])
        audit_record(actor=acting_user, action="session_note.submit", subject=note)
    return True


def may_approve(user, note: SessionNote) -> bool:
    """Whether `user` may check and share `note`: a facilitator of its group other than
    the one who wrote it last, or an active members' representative of the group."""
    group = note.session.group
    if is_representative(user, group):
        return True
    return is_facilitator(user, group) and note.drafted_by_id != user.pk


def note_approve(*, note: SessionNote, acting_user) -> bool:
    """Check a note and share it with the group's members. Returns whether this call
    shared it: approved twice, or by two people at once, it is shared once."""
    with transaction.atomic():
        note = _note_for_update(note)
        if note.status == SessionNote.Status.SHARED:
            return False
        if note.status != SessionNote.Status.TO_CHECK:
            raise ValidationError(_("This note is still a draft: send it to be checked first."))
        if not may_approve(acting_user, note):
            own = note.drafted_by_id == acting_user.pk
            raise ValidationError(str(OWN_NOTE if own else WHO_CAN_APPROVE))
        now = timezone.now()
        note.status = SessionNote.Status.SHARED
        note.approved_by = acting_user
        note.shared_at = note.updated_at = now
        note.save(update_fields=["status", "approved_by", "shared_at", "updated_at"])
        audit_record(actor=acting_user, action="session_note.approve", subject=note)
    return True


def sessions_with_notes_due(group_ids, *, now: dt.datetime | None = None) -> QuerySet:
    """The sessions of `group_ids` that were held, ended more than NOTES_DUE_AFTER ago,
    and whose note is not shared yet."""
    now = now or timezone.now()
    shared = SessionNote.objects.filter(session=OuterRef("pk"), status=SessionNote.Status.SHARED)
    return (
        GroupSession.objects.filter(group_id__in=group_ids, ends_at__lte=now - NOTES_DUE_AFTER)
        .exclude(status__in=[GroupSession.Status.DRAFT, GroupSession.Status.CANCELLED])
        .exclude(Exists(shared))
    )


def notes_to_share(group_ids, *, now: dt.datetime | None = None) -> Counter:
    """For the facilitators' reminders: group id → how many of its notes are due and not
    yet shared (`sessions_with_notes_due`). One query, however many groups or sessions."""
    return Counter(
        dict(
            sessions_with_notes_due(group_ids, now=now)
            .order_by()
            .values_list("group_id")
            .annotate(Count("pk"))
        )
    )
