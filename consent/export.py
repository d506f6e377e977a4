"""Everything Hearth holds about one member, as data: for her download (JSON and a
readable page in a zip) and for the pages that show her what is kept."""

from __future__ import annotations

import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone

from consent import policy
from consent.models import Answer, ConsentEvent
from coproduction.audit.models import AuditEvent
from groups.models import AgreementComment, AgreementResponse, Membership


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _person(user, member) -> str:
    if user is None:
        return "Hearth"
    if user.pk == member.pk:
        return "you"
    return user.get_full_name() or user.username


def collect_member_data(member) -> dict:
    """Every piece of data held about her, with who changed or looked at it."""
    profile = getattr(member, "profile", None)
    safe = getattr(member, "safe_contact", None)
    plan = getattr(member, "support_plan", None)
    memberships = Membership.objects.filter(user=member).select_related("group", "support_worker")
    events = ConsentEvent.objects.filter(member=member).select_related(
        "purpose", "text", "recorded_by"
    )
    return {
        "made_on": _when(timezone.now()),
        "account": {
            "username": member.username,
            "email": member.email,
            "joined": _when(member.date_joined),
            "last_sign_in": _when(member.last_login),
        },
        "profile": profile
        and {
            "preferred_name": profile.preferred_name,
            "pronouns": profile.pronouns,
            "access_needs": profile.get_access_needs_display(),
        },
        "how_you_may_be_contacted": safe
        and {
            "channels": safe.get_channels_display(),
            "phone": safe.phone,
            "safe_days": safe.get_safe_days_display(),
            "safe_from": safe.safe_from.isoformat(timespec="minutes"),
            "safe_until": safe.safe_until.isoformat(timespec="minutes"),
            "voicemail_ok": safe.voicemail_ok,
            "sender_name": safe.sender_name,
            "messages_may_mention_the_group": safe.may_mention_group,
            "reply_word": safe.reply_word,
            "last_checked": _when(safe.confirmed_at),
        },
        "support_contacts": [
            {
                "who": contact.display_name,
                "kind": contact.get_kind_display(),
                "channel": contact.get_channel_display(),
                "detail": contact.contact_detail,
                "contact_if_you_ask": contact.contact_if_i_ask,
                "contact_if_worried": contact.contact_if_worried,
            }
            for contact in member.support_contacts.select_related("staff_user")
        ],
        "support_plan": plan
        and {
            "what_helps": plan.what_helps,
            "signs_to_notice": plan.signs_to_notice,
            "please_do": plan.please_do,
            "please_do_not": plan.please_do_not,
            "who_can_read_it": [r.get_full_name() or r.username for r in plan.readers.all()],
        },
        "groups": [
            {
                "group": m.group.member_facing_name,
                "status": m.get_status_display(),
                "joined": _when(m.joined_at),
                "support_worker": m.support_worker.get_full_name() if m.support_worker else "",
            }
            for m in memberships
        ],
        "group_agreement": [
            {"version": r.version.number, "agrees": r.agrees, "disagreement": r.disagreement,
             "answered": _when(r.responded_at)}
            for r in AgreementResponse.objects.filter(member=member).select_related("version")
        ]
        + [
            {"version": c.version.number, "comment": c.text, "kind": c.get_kind_display(),
             "written": _when(c.created_at)}
            for c in AgreementComment.objects.filter(author=member).select_related("version")
        ],
        "choices": [
            {"question": c.text.question, "answer": Answer(c.answer).label,
             "since": _when(c.event.at) if c.event else None}
            for c in policy.choices(member)
        ],
        "choices_history": [
            {"when": _when(e.at), "question": e.text.question, "answer": e.get_answer_display(),
             "recorded_by": _person(e.recorded_by, member), "how": e.get_method_display()}
            for e in events
        ],
        "contributions": [
            {"kind": c.get_kind_display(), "text": c.text,
             "who_can_see": c.get_visibility_display(), "added": _when(c.created_at)}
            for c in member.contributions.all()
        ],
        "who_looked_or_changed": [
            {"when": _when(e.at), "who": _person(e.actor, member), "what": e.action}
            for e in AuditEvent.objects.about(member).select_related("actor")[:1000]
        ],
    }  # fmt: skip


def _text(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def readable(data: dict) -> list[tuple[str, list[list[tuple[str, str]]]]]:
    """The same data as sections of labelled lines, for a person to read."""
    sections = []
    for key, content in data.items():
        if key == "made_on":
            continue
        title = key.replace("_", " ").capitalize()
        items = content if isinstance(content, list) else ([content] if content else [])
        sections.append(
            (
                title,
                [
                    [(k.replace("_", " ").capitalize(), _text(v)) for k, v in item.items()]
                    for item in items
                ],
            )
        )
    return sections


def export_zip_bytes(member) -> bytes:
    """Her download, in memory so it reaches the disk only encrypted: data.json and a
    readable my-data.html."""
    data = collect_member_data(member)
    html = render_to_string(
        "consent/export.html", {"made_on": data["made_on"], "sections": readable(data)}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("my-data.html", html)
    return buffer.getvalue()
