"""Support requests: she asks to be contacted, the contact she chose is told at once,
and the facilitators are reminded in working hours until someone says it is in hand."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.audit.services import audit_record
from coproduction.outbox.channels import Channel
from coproduction.outbox.services import message_queue, messages_cancel
from groups.models import Membership, SupportContact
from sessions_app import wording
from sessions_app.models import CheckIn, SupportRequest
from sessions_app.working_hours import add_working_hours, working_moment

# The facilitators' first reminder, then one every few working hours until acknowledged.
FIRST_REMINDER = dt.timedelta(hours=1)
REMINDER_EVERY_WORKING_HOURS = 4


def chosen_contact(member) -> SupportContact | None:
    """The first person she said may be contacted when she asks, or None."""
    return (
        SupportContact.objects.filter(member=member, contact_if_i_ask=True)
        .select_related("staff_user")
        .first()
    )


def her_staff(member, role: str) -> list:
    """Active staff of `role` for her: her support workers, or her groups' facilitators."""
    current = Membership.objects.current().members().filter(user=member)
    users = get_user_model().objects.filter(is_active=True)
    if role == Membership.Role.SUPPORT_WORKER:
        return list(users.filter(pk__in=current.values("support_worker")))
    return list(
        users.filter(
            memberships__group__in=current.values("group"),
            memberships__role=Membership.Role.FACILITATOR,
            memberships__status=Membership.Status.ACTIVE,
        ).distinct()
    )


def told_at_once(request: SupportRequest) -> list:
    """Who hears of the request the moment it is made: the staff member she chose; for a
    check-in left unanswered, or when she chose nobody on the staff, her support workers;
    with no support worker either, the facilitators, so it never waits an hour unseen."""
    contact = request.contact
    if (
        request.source != SupportRequest.Source.NO_ANSWER
        and contact is not None
        and contact.staff_user is not None
        and contact.staff_user.is_active
    ):
        return [contact.staff_user]
    return her_staff(request.member, Membership.Role.SUPPORT_WORKER) or her_staff(
        request.member, Membership.Role.FACILITATOR
    )


def staff_email_queue(person, *, kind: str, words: tuple[str, str], key: str) -> None:
    """Queue `words` (subject, body) for a member of staff, by e-mail to her work address,
    once for `key`. Staff messages name no member and carry nothing of hers: the words
    come from `sessions_app.wording`."""
    subject, body = words
    message_queue(
        recipient=person, kind=kind, channel=Channel.EMAIL, subject=subject, body=body, key=key
    )


def _tell(request: SupportRequest, people, *, kind: str, key: str, words) -> None:
    for person in people:
        staff_email_queue(
            person, kind=kind, words=words(), key=f"support:{request.pk}:{key}:{person.pk}"
        )


def support_request_open(
    *,
    member,
    source: str,
    checkin: CheckIn | None = None,
    now: dt.datetime | None = None,
) -> tuple[SupportRequest, bool]:
    """Open her support request and tell her chosen contact at once; while one is still
    open, asking again hands back that one (`created` False) and tells nobody twice."""
    now = now or timezone.now()
    with transaction.atomic():
        open_one = SupportRequest.objects.open().filter(member=member).first()
        if open_one is not None:
            return open_one, False
        try:
            with transaction.atomic():
                request = SupportRequest.objects.create(
                    member=member,
                    source=source,
                    contact=chosen_contact(member),
                    checkin=checkin,
                    created_at=now,
                    next_reminder_at=working_moment(now + FIRST_REMINDER),
                )
        except IntegrityError:
            # She asked twice at the same moment: the other press made it.
            return SupportRequest.objects.open().get(member=member), False
        actor = member if source != SupportRequest.Source.NO_ANSWER else None
        audit_record(
            actor=actor, action="support_request.open", subject=request, subject_user=member
        )
        _tell(
            request,
            told_at_once(request),
            kind=wording.SUPPORT_TOLD,
            key="told",
            words=wording.support_told_text,
        )
    return request, True


def support_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind the facilitators of every open request whose reminder is due, and set the
    next one four working hours on. Each reminder is claimed by its number first, so a
    second run (or a second beat) reminds no one twice. Returns how many were reminded."""
    now = now or timezone.now()
    due = SupportRequest.objects.open().filter(next_reminder_at__lte=now).select_related("member")
    reminded = 0
    for request in due:
        number = request.reminders_sent + 1
        with transaction.atomic():
            claimed = (
                SupportRequest.objects.open()
                .filter(pk=request.pk, reminders_sent=request.reminders_sent)
                .update(
                    reminders_sent=number,
                    next_reminder_at=add_working_hours(now, REMINDER_EVERY_WORKING_HOURS),
                )
            )
            if not claimed:
                continue
            _tell(
                request,
                her_staff(request.member, Membership.Role.FACILITATOR),
                kind=wording.SUPPORT_REMINDER,
                key=f"remind:{number}",
                words=wording.support_reminder_text,
            )
            reminded += 1
    return reminded


def support_request_acknowledge(
    *, request: SupportRequest, acting_user, what_was_done: str, now: dt.datetime | None = None
) -> SupportRequest:
    """Record who took the request in hand and what they did, and stop its reminders at
    once: the ones not yet sent are cancelled. Refused if someone already has."""
    now = now or timezone.now()
    with transaction.atomic():
        done = (
            SupportRequest.objects.open()
            .filter(pk=request.pk)
            .update(
                acknowledged_at=now,
                acknowledged_by=acting_user,
                next_reminder_at=None,
            )
        )
        if not done:
            raise ValidationError(_("Someone has already said this request is in hand."))
        request.refresh_from_db()
        # Her words field is encrypted on save, so it is written through the model.
        request.what_was_done = what_was_done
        request.save(update_fields=["what_was_done"])
        messages_cancel(key_prefix=f"support:{request.pk}:remind:")
        audit_record(
            actor=acting_user,
            action="support_request.acknowledge",
            subject=request,
            subject_user=request.member,
        )
    return request
