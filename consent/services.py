"""Writes for consent and sharing. Atomic, audited, and safe to call twice."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from celery import signature
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consent.export import export_zip_bytes
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    ConsentText,
    Contribution,
    CurrentAnswer,
    DataExport,
    ErasureRequest,
    Visibility,
)
from coproduction import crypto
from coproduction.audit.services import audit_record
from coproduction.core import erasure
from groups import notices
from groups.models import Membership

ERASURE_STANDS_AFTER = dt.timedelta(days=14)
EXPORT_KEPT_FOR = dt.timedelta(hours=24)
# Tasks are asked for by name: `consent.tasks` imports this module, never the reverse.
BUILD_DATA_EXPORT = "consent.tasks.build_data_export"


def _is_facilitator_for(staff, member) -> bool:
    groups = Membership.objects.current().members().filter(user=member).values("group")
    return Membership.objects.filter(
        user=staff,
        group__in=groups,
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.ACTIVE,
    ).exists()


# --- the ledger ---------------------------------------------------------------------


def consent_record(
    *,
    member,
    purpose: ConsentPurpose,
    answer: str,
    acting_user,
    method: str = ConsentEvent.Method.PORTAL,
    how_she_told_us: str = "",
) -> ConsentEvent:
    """Append her answer to the current wording of `purpose`.

    A facilitator may record it on her behalf, saying how she told them; nobody else
    can. Giving the same answer to the same wording again appends nothing.
    """
    if answer not in Answer.values:
        raise ValidationError("Choose yes, no, or ask me each time.")
    on_behalf = acting_user.pk != member.pk
    if on_behalf:
        if not _is_facilitator_for(acting_user, member):
            raise ValidationError("Only she, or a facilitator of her group, can record this.")
        if method == ConsentEvent.Method.PORTAL or not how_she_told_us.strip():
            raise ValidationError("Say how she told you (in person, on paper or by phone).")
    elif method != ConsentEvent.Method.PORTAL:
        raise ValidationError("Your own answers are recorded in the portal.")
    text = purpose.texts.latest("version")
    with transaction.atomic():
        # Her row is locked so that her answers are appended one at a time: the event
        # with the highest id is then the one her current answer names, as a replay of
        # the ledger would find, even for two first answers sent at once.
        list(get_user_model().objects.select_for_update().filter(pk=member.pk).values("pk"))
        current = (
            CurrentAnswer.objects.filter(member=member, purpose=purpose)
            .select_related("event")
            .first()
        )
        last = current.event if current is not None else None
        if last is not None and last.answer == answer and last.text_id == text.pk:
            return last
        event = ConsentEvent.objects.create(
            member=member,
            purpose=purpose,
            text=text,
            answer=answer,
            recorded_by=acting_user,
            method=method,
            how_she_told_us=how_she_told_us.strip() if on_behalf else "",
        )
        if current is None:
            CurrentAnswer.objects.create(
                member=member, purpose=purpose, event=event, answer=event.answer, at=event.at
            )
        else:
            current.event, current.answer, current.at = event, event.answer, event.at
            current.save(update_fields=["event", "answer", "at"])
        audit_record(actor=acting_user, action="consent.record", subject=event, subject_user=member)
        notices.notices_queue(
            notices.members_to_tell([member.pk], receipts_only=True),
            kind=notices.CONSENT_RECEIPT,
            key=lambda _member: f"consent_receipt:{event.pk}",
            words=lambda her, clear: notices.consent_receipt_words(
                her,
                clear=clear,
                at=event.at,
                question=text.question,
                answer=str(event.get_answer_display()),
            ),
        )
    return event


def wording_changes_notify() -> int:
    """Tell each member who answered a question whose wording has changed since that
    it is there to read, once for the month of its newest such wording
    (`wording_changed:<member>:<year-month>`): at most once a month, however many
    wordings changed in it, and not again for a wording she was told of. A daily task;
    a second run queues nothing more. Returns how many were queued."""
    newest: dict[int, ConsentText] = {}
    for wording in ConsentText.objects.filter(purpose__is_active=True).order_by("-version"):
        newest.setdefault(wording.purpose_id, wording)
    changed_in: dict[int, dt.datetime] = {}
    for member_id, purpose_id in (
        CurrentAnswer.objects.filter(purpose_id__in=newest)
        .exclude(event__text_id__in=[text.pk for text in newest.values()])
        .values_list("member_id", "purpose_id")
    ):
        published = newest[purpose_id].published_at
        changed_in[member_id] = max(changed_in.get(member_id, published), published)
    if not changed_in:
        return 0
    return notices.notices_queue(
        notices.members_to_tell(list(changed_in)),
        kind=notices.WORDING_CHANGED,
        key=lambda member: (
            f"wording_changed:{member.pk}:{timezone.localdate(changed_in[member.pk]):%Y-%m}"
        ),
        words=notices.wording_changed_words,
    )


# --- contributions ------------------------------------------------------------------


def contribution_add(
    *,
    member,
    group,
    text: str,
    kind: str,
    acting_user,
    visibility: str = Visibility.ONLY_ME,
    nonce: uuid.UUID | None = None,
) -> Contribution:
    """Keep an idea, quote or comment of hers. A facilitator may record one with her
    agreement; who sees it stays hers to set, starting at "only me". The same form sent
    twice (`nonce`) keeps it once."""
    if nonce is not None:
        existing = Contribution.objects.filter(member=member, nonce=nonce).first()
        if existing is not None:
            return existing
    if not text.strip():
        raise ValidationError("Write it down first.")
    if not Membership.objects.current().members().filter(user=member, group=group).exists():
        raise ValidationError("She is not in this group.")
    if acting_user.pk != member.pk:
        if not _is_facilitator_for(acting_user, member):
            raise ValidationError("Only she, or a facilitator of her group, can add this.")
        visibility = Visibility.ONLY_ME
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                member=member,
                group=group,
                kind=kind,
                text=text.strip(),
                visibility=visibility,
                recorded_by=acting_user,
                nonce=nonce,
            )
            audit_record(
                actor=acting_user,
                action="contribution.add",
                subject=contribution,
                subject_user=member,
            )
    except IntegrityError:  # the same form, sent twice at once: the other request kept it
        return Contribution.objects.get(member=member, nonce=nonce)
    return contribution


def contribution_set_visibility(*, contribution: Contribution, visibility: str, acting_user):
    """She changes who sees one of her contributions; it applies at once everywhere."""
    if acting_user.pk != contribution.member_id:
        raise ValidationError("Only she can change who sees this.")
    if visibility not in Visibility.values:
        raise ValidationError("Choose who may see it.")
    if contribution.visibility == visibility:
        return contribution
    with transaction.atomic():
        contribution.visibility = visibility
        contribution.visibility_changed_at = timezone.now()
        contribution.save(update_fields=["visibility", "visibility_changed_at"])
        audit_record(
            actor=acting_user,
            action="contribution.visibility",
            subject=contribution,
            subject_user=contribution.member,
        )
    return contribution


# --- her data -----------------------------------------------------------------------


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _export_delete(exports) -> int:
    """Delete downloads and their files (files first: a row never outlives its file)."""
    exports = list(exports)
    for export in exports:
        if export.path:
            (export_dir() / export.path).unlink(missing_ok=True)
    DataExport.objects.filter(pk__in=[e.pk for e in exports]).delete()
    return len(exports)


def data_export_request(*, member, acting_user) -> DataExport:
    """Ask for a download of everything held about her. One download is live at a time:
    while one is being prepared, asking again returns it; asking while one is ready
    starts a new one that replaces it when it is built, because asking again means she
    wants what is held now. Until then the ready one can still be saved, so she is never
    left with nothing, and two files of hers are never kept side by side."""
    if acting_user.pk != member.pk:
        raise ValidationError("Only she can download her data.")
    with transaction.atomic():
        # Her row is locked so two requests at once (a double tap) cannot both make one.
        list(get_user_model().objects.select_for_update().filter(pk=member.pk).values("pk"))
        pending = member.data_exports.filter(
            status=DataExport.Status.PENDING, created_at__gt=timezone.now() - EXPORT_KEPT_FOR
        ).first()
        if pending is not None:
            return pending
        _export_delete(member.data_exports.exclude(status=DataExport.Status.READY))
        export = DataExport.objects.create(member=member)
        audit_record(
            actor=acting_user, action="data.export_request", subject=export, subject_user=member
        )
        # Sent once her request is committed, as `delay_on_commit` would, so the worker
        # never looks for a row it cannot see yet.
        transaction.on_commit(signature(BUILD_DATA_EXPORT, args=(export.pk,)).delay)
    return export


def data_export_download(*, member, export_id: int) -> bytes:
    """Her ready download as she saves it, decrypted on the way out, then the audit row
    of her downloading it (the one write: if it fails, nothing is handed over).
    `DataExport.DoesNotExist` if it is not hers, not ready, past its keeping time, its
    file is gone or her key was destroyed; nothing is recorded then."""
    export = member.data_exports.get(
        pk=export_id,
        status=DataExport.Status.READY,
        created_at__gt=timezone.now() - EXPORT_KEPT_FOR,
    )
    try:
        if not export.path:
            raise FileNotFoundError(export.pk)
        content = crypto.decrypt_bytes((export_dir() / export.path).read_bytes())
    except (FileNotFoundError, crypto.UnreadableCiphertext):
        raise DataExport.DoesNotExist("Her download cannot be read") from None
    audit_record(actor=member, action="data.export_download", subject=export, subject_user=member)
    return content


def _write_private(path: Path, content: bytes) -> None:
    """Create the file readable by this process's user alone (0600), never replacing one."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the zip (JSON and a readable page), encrypted under her data key. Claimed
    with a conditional UPDATE, so a task delivered twice builds once; an export whose
    member was erased, or that was replaced, does nothing."""
    export = DataExport.objects.filter(pk=export_id).select_related("member").first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    path = export_dir() / f"{uuid.uuid4().hex}.zip"
    content = crypto.encrypt_bytes_for(export.member_id, export_zip_bytes(export.member))
    _write_private(path, content)
    with transaction.atomic():
        claimed = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.READY, path=path.name, ready_at=timezone.now()
        )
        if claimed:
            _export_delete(
                DataExport.objects.filter(member_id=export.member_id).exclude(pk=export.pk)
            )
            notices.notices_queue(
                notices.members_to_tell([export.member_id]),
                kind=notices.EXPORT_READY,
                key=lambda _member: f"export_ready:{export.pk}",
                words=notices.export_ready_words,
            )
    if not claimed:
        path.unlink(missing_ok=True)
    export.refresh_from_db()
    return export


def data_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete downloads older than EXPORT_KEPT_FOR (an hourly task), and any file in the
    folder that no download names (left by a build that stopped half-way)."""
    cutoff = (now or timezone.now()) - EXPORT_KEPT_FOR
    expired = _export_delete(DataExport.objects.filter(created_at__lt=cutoff))
    named = set(DataExport.objects.exclude(path="").values_list("path", flat=True))
    for stray in export_dir().iterdir():
        if stray.name not in named and stray.stat().st_mtime < cutoff.timestamp():
            stray.unlink(missing_ok=True)
    return expired


def erasure_request(*, member, acting_user) -> ErasureRequest:
    """She asks for her data to be erased. It stands after ERASURE_STANDS_AFTER unless a
    facilitator confirms it sooner. Asking twice keeps the first request."""
    if acting_user.pk != member.pk:
        raise ValidationError("Only she can ask for her data to be erased.")
    with transaction.atomic():
        existing = member.erasure_requests.filter(
            status__in=[ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED]
        ).first()
        if existing is not None:
            return existing
        request = ErasureRequest.objects.create(
            member=member,
            member_ref=member.pk,
            stands_at=timezone.now() + ERASURE_STANDS_AFTER,
        )
        request.groups.set(
            Membership.objects.current()
            .members()
            .filter(user=member)
            .values_list("group", flat=True)
        )
        audit_record(
            actor=acting_user, action="erasure.request", subject=request, subject_user=member
        )
    return request


def erasure_withdraw(*, erasure: ErasureRequest, acting_user) -> ErasureRequest:
    """She changes her mind before it is carried out (after a confirmation too). The
    change and its audit row are one transaction; withdrawing twice withdraws once."""
    if acting_user.pk != erasure.member_ref:
        raise ValidationError("Only she can withdraw her request.")
    with transaction.atomic():
        updated = ErasureRequest.objects.filter(
            pk=erasure.pk,
            status__in=[ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED],
        ).update(status=ErasureRequest.Status.WITHDRAWN)
        if updated:
            audit_record(actor=acting_user, action="erasure.withdraw", subject=erasure)
    erasure.refresh_from_db()
    return erasure


def erasure_confirm(
    *, erasure: ErasureRequest, acting_user, kept_for_legal_reasons: str = ""
) -> ErasureRequest:
    """A facilitator confirms the request, with its audit row in the same transaction.
    With nothing kept for a legal reason it is carried out now; with a reason, it waits
    for `stands_at` so that she sees the reason (on her data page) before her account
    closes. Confirming twice confirms once."""
    if erasure.member is None or not _is_facilitator_for(acting_user, erasure.member):
        raise ValidationError("Only a facilitator of her group can confirm this.")
    with transaction.atomic():
        updated = ErasureRequest.objects.filter(
            pk=erasure.pk, status=ErasureRequest.Status.REQUESTED
        ).update(
            status=ErasureRequest.Status.CONFIRMED,
            decided_by=acting_user,
            kept_for_legal_reasons=kept_for_legal_reasons.strip(),
        )
        if updated:
            audit_record(actor=acting_user, action="erasure.confirm", subject=erasure)
    erasure.refresh_from_db()
    if erasure.kept_for_legal_reasons:
        return erasure
    return erasure_carry_out(request_id=erasure.pk)


def erasures_due(*, now: dt.datetime | None = None) -> int:
    """Carry out every request whose time has come, confirmed or not (a daily task)."""
    due = ErasureRequest.objects.filter(
        status__in=[ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED],
        stands_at__lte=now or timezone.now(),
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if erasure_carry_out(request_id=pk).status == "done")


def erasure_carry_out(*, request_id: int) -> ErasureRequest:
    """Erase her: run every app's erasure step (`coproduction.core.erasure`) inside this
    one transaction, which destroys her data key (so every encrypted field of hers, in
    the database and in later backups, can never be read), deletes her account and
    everything that cascades from it, and removes what names her elsewhere. What
    remains is the request itself (a number and dates), the consent ledger and the
    audit trail, which hold no personal data. Carrying it out twice does nothing more."""
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request_id)
        if request.status not in (ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED):
            return request
        erasure.erase(user_id=request.member_ref)
        ErasureRequest.objects.filter(pk=request.pk).update(
            status=ErasureRequest.Status.DONE, completed_at=timezone.now(), member=None
        )
        audit_record(actor=None, action="erasure.done", subject=request)
    request.refresh_from_db()
    return request
