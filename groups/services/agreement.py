"""The group agreement: drafts, publishing, her answer and her comments, and staff answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduction.audit.services import audit_record
from groups import notices
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
)


def agreement_draft_save(
    *, group: CoproGroup, acting_user, text: str, version: AgreementVersion | None = None
) -> AgreementVersion:
    """Create or edit a draft. A published version is never edited: a change is a new draft."""
    with transaction.atomic():
        if version is None:
            last = group.agreements.select_for_update().order_by("-number").first()
            version = AgreementVersion.objects.create(
                group=group,
                number=(last.number + 1) if last else 1,
                text=text,
                created_by=acting_user,
            )
        else:
            if version.status != AgreementVersion.Status.DRAFT:
                raise ValidationError("A published agreement cannot be changed; start a new draft.")
            version.text = text
            version.save(update_fields=["text"])
        audit_record(actor=acting_user, action="agreement.draft", subject=version)
    return version


def agreement_publish(*, version: AgreementVersion, acting_user) -> AgreementVersion:
    """Publish a draft: it becomes the current agreement and every current member is asked
    to read it, each told once by her safe channel (a member on a break reads it on her
    return). Publishing twice publishes once; a draft older than the current version
    cannot be published over it."""
    with transaction.atomic():
        # Locking every version of the group makes "is a newer one published?" and the
        # publishing one step: two facilitators publishing at once are served in turn.
        published = [
            number
            for number, status in AgreementVersion.objects.select_for_update()
            .filter(group_id=version.group_id)
            .values_list("number", "status")
            if status == AgreementVersion.Status.PUBLISHED
        ]
        newest = max(published, default=0)
        if newest > version.number:
            raise ValidationError(
                _("Version %(number)s is already published. Start a new draft from it instead.")
                % {"number": newest}
            )
        updated = AgreementVersion.objects.filter(
            pk=version.pk, status=AgreementVersion.Status.DRAFT
        ).update(status=AgreementVersion.Status.PUBLISHED, published_at=timezone.now())
        version.refresh_from_db()
        if updated:
            audit_record(actor=acting_user, action="agreement.publish", subject=version)
            group_name = version.group.member_facing_name
            notices.notices_queue(
                notices.members_to_tell(
                    Membership.objects.members()
                    .filter(group_id=version.group_id, status=Membership.Status.ACTIVE)
                    .values("user")
                ),
                kind=notices.AGREEMENT_NEW,
                key=lambda member: f"agreement:{version.pk}:{member.pk}",
                words=lambda member, clear: notices.agreement_new_words(
                    member, clear=clear, group_name=group_name
                ),
            )
    return version


def agreement_respond(
    *, version: AgreementVersion, member, agrees: bool, disagreement: str = ""
) -> AgreementResponse:
    """Her answer to a published version. Answering again replaces her answer."""
    if version.status != AgreementVersion.Status.PUBLISHED:
        raise ValidationError("You can only answer a published agreement.")
    if not agrees and not disagreement.strip():
        raise ValidationError("Tell us what you disagree with, so the group can talk about it.")
    with transaction.atomic():
        response, _ = AgreementResponse.objects.update_or_create(
            version=version,
            member=member,
            defaults={
                "agrees": agrees,
                "disagreement": "" if agrees else disagreement.strip(),
                "responded_at": timezone.now(),
            },
        )
        audit_record(actor=member, action="agreement.respond", subject=version, subject_user=member)
    return response


def agreement_comment(
    *, version: AgreementVersion, member, text: str, kind: str
) -> AgreementComment:
    """A member comments on, or proposes a change to, a draft or the current agreement."""
    if (
        version.status != AgreementVersion.Status.DRAFT
        and version != version.group.agreements.current()
    ):
        raise ValidationError("This version has been replaced. Comment on the current one.")
    if not text.strip():
        raise ValidationError("Write your comment first.")
    with transaction.atomic():
        comment = AgreementComment.objects.create(
            version=version, author=member, text=text.strip(), kind=kind
        )
        audit_record(actor=member, action="agreement.comment", subject=version, subject_user=member)
    return comment


def agreement_proposal_answer(
    *,
    comment: AgreementComment,
    acting_user,
    answer: str,
    taken_into: AgreementVersion | None = None,
    reason: str = "",
) -> AgreementComment:
    """The group's answer to her proposal, which she sees on her agreement page: taken
    into version N (of this group, no older than the one she wrote about), or not this
    time with a reason. The same answer given twice is recorded once."""
    if comment.kind != AgreementComment.Kind.PROPOSAL:
        raise ValidationError("Only a proposed change gets an answer.")
    reason = reason.strip()
    if answer == AgreementComment.Answer.TAKEN:
        if taken_into is None:
            raise ValidationError({"taken_into": "Choose the version it was taken into."})
        if (
            taken_into.group_id != comment.version.group_id
            or taken_into.number < comment.version.number
        ):
            raise ValidationError(
                {"taken_into": "Choose this version or a later one of the same agreement."}
            )
    elif answer == AgreementComment.Answer.NOT_NOW:
        if not reason:
            raise ValidationError({"reason": "Say why, so she knows she was heard."})
        taken_into = None
    else:
        raise ValidationError({"answer": "Choose an answer."})
    with transaction.atomic():
        comment = AgreementComment.objects.select_for_update().get(pk=comment.pk)
        if (comment.answer, comment.taken_into_id, comment.answer_reason) == (
            answer,
            taken_into.pk if taken_into else None,
            reason,
        ):
            return comment
        comment.answer = answer
        comment.taken_into = taken_into
        comment.answer_reason = reason
        comment.answered_by = acting_user
        comment.answered_at = timezone.now()
        comment.save(
            update_fields=["answer", "taken_into", "answer_reason", "answered_by", "answered_at"]
        )
        audit_record(
            actor=acting_user,
            action="agreement.proposal_answer",
            subject=comment,
            subject_user=comment.author,
        )
    return comment
