"""Notices to a member about her own account: a receipt of a change to what she agreed
to, wordings she answered that have changed, a reminder to check her contact choices, a
new group agreement to read, her download ready.

Each goes by the first way she allowed that the outbox can send, or else as a notice on
her home page, and in neutral words unless she let messages mention the group
(tests/consent/test_member_notices.py renders each one with and without that and fails
on a revealing word). They are queued only while she is in a group and not on a break:
the outbox's gate asks again when each is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduction import crypto
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from coproduction.outbox.services import message_queue
from groups.contact import her_zone
from groups.models import Membership, SafeContactProfile

# Kinds of notice, as the outbox and the facilitators' pages name them.
CONSENT_RECEIPT = "consent_receipt"
WORDING_CHANGED = "wording_changed"
CONFIRM_CONTACT = "confirm_contact"
AGREEMENT_NEW = "agreement_new"
EXPORT_READY = "export_ready"

KIND_LABELS = {
    CONSENT_RECEIPT: gettext_lazy("Note of a changed answer"),
    WORDING_CHANGED: gettext_lazy("Changed wording to read"),
    CONFIRM_CONTACT: gettext_lazy("Please check your contact choices"),
    AGREEMENT_NEW: gettext_lazy("New agreement to read"),
    EXPORT_READY: gettext_lazy("Her download is ready"),
}

# The ways a notice can go, each only if she allowed it; a notice on her home page needs
# no permission of hers, so it is where a notice goes when none of these can.
NOTICE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PORTAL)

# A notice's words: given her and whether they may mention the group, (subject, body).
Words = Callable[..., tuple[str, str]]


def notice_channel(member, profile: SafeContactProfile | None) -> str:
    """The first way in her contact choices that the outbox can send and has an address
    for, else a notice on her home page (seen only once she signs in)."""
    if profile is None:
        return Channel.PORTAL
    for channel in profile.channels:
        if channel not in NOTICE_CHANNELS or not settings.HEARTH_OUTBOX_BACKENDS.get(channel):
            continue
        if channel == Channel.EMAIL and not member.email:
            continue
        if channel == Channel.SMS and not profile.phone:
            continue
        return channel
    return Channel.PORTAL


def members_to_tell(
    member_ids: Iterable[int] | QuerySet,
    *,
    receipts_only: bool = False,
    session_changes: bool = False,
) -> list:
    """Of `member_ids` (ids, or a query of them), the members a notice may be queued for
    now, each with her safe-contact profile read: an open account, active in a group as
    a member and on a break from none (a break means quiet, and leaving means nothing
    more). `receipts_only`: only those who asked for receipts. `session_changes`: a
    notice that a session changed, which a member on a break still hears where she chose
    to. One query, however many."""
    on_a_break = Membership.objects.members().filter(status=Membership.Status.STEPPED_BACK)
    in_a_group = Q(
        memberships__role=Membership.Role.MEMBER, memberships__status=Membership.Status.ACTIVE
    )
    if session_changes:
        on_a_break = on_a_break.filter(keep_session_changes_while_away=False)
        in_a_group |= Q(
            memberships__role=Membership.Role.MEMBER,
            memberships__status=Membership.Status.STEPPED_BACK,
            memberships__keep_session_changes_while_away=True,
        )
    members = (
        get_user_model()
        .objects.filter(in_a_group, pk__in=member_ids, is_active=True)
        .exclude(pk__in=on_a_break.values("user"))
        .distinct()
        .select_related("safe_contact")
        .order_by("pk")
    )
    if receipts_only:
        members = members.filter(safe_contact__wants_receipts=True)
    return list(members)


def notices_queue(members: list, *, kind: str, key: Callable[..., str], words: Words) -> int:
    """Queue a notice of `kind` for each of `members` (as `members_to_tell` read them),
    once per `key(member)` (its cause), by her safe channel, in `words(member,
    clear=...)`: clear words only where she let messages mention the group. Asked again
    for the same cause it queues nothing more, at the cost of one query. Returns how
    many were queued."""
    keys = {member.pk: key(member) for member in members}
    queued = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    members = [member for member in members if keys[member.pk] not in queued]
    # Her number and the notice's words are encrypted under her own key: one read for all.
    crypto.warm_data_keys(member.pk for member in members)
    for member in members:
        profile = getattr(member, "safe_contact", None)
        clear = profile is not None and profile.may_mention_group
        subject, body = words(member, clear=clear)
        message_queue(
            recipient=member,
            kind=kind,
            channel=notice_channel(member, profile),
            subject=subject,
            body=body,
            key=keys[member.pk],
            mentions_group=clear,
        )
    return len(members)


def contact_checks_queue(*, now: dt.datetime | None = None) -> int:
    """Ask each member whose contact choices are due for checking again to look at them,
    once per due date (`confirm_contact:<member>:<date>`): saving them sets the next
    one. A daily task; a second run queues nothing more. Returns how many were queued."""
    today = timezone.localdate(now or timezone.now())
    members = members_to_tell(SafeContactProfile.objects.values("member_id"))
    return notices_queue(
        [member for member in members if member.safe_contact.confirm_by <= today],
        kind=CONFIRM_CONTACT,
        key=lambda member: f"confirm_contact:{member.pk}:{member.safe_contact.confirm_by}",
        words=confirm_contact_words,
    )


# --- the words ----------------------------------------------------------------------


def _her_time(member, at: dt.datetime) -> str:
    return formats.date_format(at.astimezone(her_zone(member)), "j F, H:i")


def consent_receipt_words(
    member, *, clear: bool, at: dt.datetime, question: str, answer: str
) -> tuple[str, str]:
    """Her note of one changed answer, made by her or for her: in clear words, which."""
    when = _her_time(member, at)
    if clear:
        return (
            _("Hearth: an answer of yours changed"),
            _(
                "Hearth: your answer to “%(question)s” is now “%(answer)s” (%(when)s). "
                "If that was not you, please sign in and check."
            )
            % {"question": question, "answer": answer, "when": when},
        )
    return (
        _("A change to your choices"),
        _("One of your choices changed at %(when)s. If that was not you, please sign in and check.")
        % {"when": when},
    )


def wording_changed_words(member, *, clear: bool) -> tuple[str, str]:
    """Words she answered have changed, so she may want to look at her answers again."""
    if clear:
        return (
            _("Hearth: please read the new wording"),
            _(
                "Hearth: the words of something you agreed to, or said no to, have changed. "
                "Please sign in to read them and check your answer."
            ),
        )
    return (
        _("Something to read"),
        _("Some words you answered have changed. Please sign in to read them when it suits you."),
    )


def confirm_contact_words(member, *, clear: bool) -> tuple[str, str]:
    """It is time to check how and when she may be contacted."""
    if clear:
        return (
            _("Hearth: please check your contact choices"),
            _(
                "Hearth: please check how and when the group may contact you. Sign in and "
                "save your contact choices, even if nothing changed."
            ),
        )
    return (
        _("Please check your choices"),
        _("Please sign in and check how and when we may get in touch, even if nothing changed."),
    )


def agreement_new_words(member, *, clear: bool, group_name: str) -> tuple[str, str]:
    """A new version of her group's agreement is there to read."""
    if clear:
        return (
            _("Hearth: a new group agreement to read"),
            _(
                "Hearth: %(group)s has a new version of its group agreement. Please sign in "
                "to read it and say what you think."
            )
            % {"group": group_name},
        )
    return (
        _("Something new to read"),
        _("There is something new for you to read. Please sign in when it suits you."),
    )


def export_ready_words(member, *, clear: bool) -> tuple[str, str]:
    """The download of everything held about her, which she asked for, is ready."""
    if clear:
        return (
            _("Hearth: your download is ready"),
            _(
                "Hearth: the copy of your data you asked for is ready. Please sign in to "
                "save it soon: it is kept for one day."
            ),
        )
    return (
        _("Your download is ready"),
        _(
            "The download you asked for is ready. Please sign in to save it soon: it is "
            "kept for one day."
        ),
    )
