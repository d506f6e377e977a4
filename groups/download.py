"""What the groups app holds of her, as sections of her data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coproduction.core import download
from coproduction.core.download import when
from groups.models import (
    AgreementComment,
    AgreementResponse,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
)


@download.section("profile", _("Profile"), order=download.ACCOUNT + 100, covers=(Profile,))
def profile(member) -> dict | None:
    """How she likes to be named, and what helps her take part."""
    found = getattr(member, "profile", None)
    return found and {
        "preferred_name": found.preferred_name,
        "pronouns": found.pronouns,
        "access_needs": found.get_access_needs_display(),
    }


@download.section(
    "how_you_may_be_contacted",
    _("How you may be contacted"),
    order=download.CONTACT,
    covers=(SafeContactProfile,),
)
def how_you_may_be_contacted(member) -> dict | None:
    """The ways, days and times she said are safe."""
    safe = getattr(member, "safe_contact", None)
    return safe and {
        "channels": safe.get_channels_display(),
        "phone": safe.phone,
        "safe_days": safe.get_safe_days_display(),
        "safe_from": safe.safe_from.isoformat(timespec="minutes"),
        "safe_until": safe.safe_until.isoformat(timespec="minutes"),
        "voicemail_ok": safe.voicemail_ok,
        "sender_name": safe.sender_name,
        "messages_may_mention_the_group": safe.may_mention_group,
        "reply_word": safe.reply_word,
        "a_note_of_each_change": safe.wants_receipts,
        "last_checked": when(safe.confirmed_at),
    }


@download.section(
    "support_contacts",
    _("Support contacts"),
    order=download.CONTACT + 100,
    covers=(SupportContact,),
)
def support_contacts(member) -> list[dict]:
    """The people she said may be contacted, and when."""
    return [
        {
            "who": contact.display_name,
            "kind": contact.get_kind_display(),
            "channel": contact.get_channel_display(),
            "detail": contact.contact_detail,
            "contact_if_you_ask": contact.contact_if_i_ask,
            "contact_if_worried": contact.contact_if_worried,
        }
        for contact in member.support_contacts.select_related("staff_user")
    ]


@download.section(
    "support_plan", _("Support plan"), order=download.CONTACT + 200, covers=(SupportPlan,)
)
def support_plan(member) -> dict | None:
    """Her support plan and who may read it."""
    plan = getattr(member, "support_plan", None)
    return plan and {
        "what_helps": plan.what_helps,
        "signs_to_notice": plan.signs_to_notice,
        "please_do": plan.please_do,
        "please_do_not": plan.please_do_not,
        "who_can_read_it": [r.get_full_name() or r.username for r in plan.readers.all()],
    }


@download.section("groups", _("Groups"), order=download.GROUPS, covers=(Membership,))
def groups(member) -> list[dict]:
    """The groups she is or was in."""
    memberships = Membership.objects.filter(user=member).select_related("group", "support_worker")
    return [
        {
            "group": m.group.member_facing_name,
            "status": m.get_status_display(),
            "joined": when(m.joined_at),
            "support_worker": m.support_worker.get_full_name() if m.support_worker else "",
        }
        for m in memberships
    ]


@download.section(
    "group_agreement",
    _("Group agreement"),
    order=download.GROUPS + 100,
    covers=(AgreementResponse, AgreementComment),
)
def group_agreement(member) -> list[dict]:
    """Her answers to the group agreement, and what she wrote about it."""
    return [
        {"version": r.version.number, "agrees": r.agrees, "disagreement": r.disagreement,
         "answered": when(r.responded_at)}
        for r in AgreementResponse.objects.filter(member=member).select_related("version")
    ] + [
        {"version": c.version.number, "comment": c.text, "kind": c.get_kind_display(),
         "written": when(c.created_at)}
        for c in AgreementComment.objects.filter(author=member).select_related("version")
    ]  # fmt: skip
