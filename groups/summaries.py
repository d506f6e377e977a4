"""What staff pages say about a person, in a few safe words, built from her records.

These are the page summaries: pure functions and small value objects, tested directly
(`tests/groups/test_staff_summaries.py`). Her "Who sees what" page renders the same
`MemberCard` the staff member page does, so the two cannot tell different stories.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coproduction.core import dates
from coproduction.outbox.channels import Channel
from groups.models import (
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    SafeContactProfile,
    SupportContact,
    Training,
)

# Channel labels as staff read them: the member-facing labels speak in her voice.
CHANNEL_LABELS = {
    Channel.EMAIL: "Email",
    Channel.SMS: "Text message",
    Channel.CALL: "Phone call",
    Channel.SUPPORT_WORKER: "Through her support worker",
}
DAY_ABBREVIATIONS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SHE_WILL_GET_IN_TOUCH = "She will get in touch"
# Support contact kinds as staff read them (the member-facing labels say "my").
CONTACT_KINDS = {
    SupportContact.Kind.SUPPORT_WORKER: "Support worker",
    SupportContact.Kind.SAFEGUARDING_LEAD: "Safeguarding lead",
    SupportContact.Kind.TRUSTED_PERSON: "Someone she trusts",
    SupportContact.Kind.HELPLINE: "A helpline",
}
ROLE_ORDER = {Membership.Role.FACILITATOR: 0, Membership.Role.SUPPORT_WORKER: 1}
# Plain strings looked up once: the roster asks for every member's status.
STATUS_LABELS = {status: str(label) for status, label in Membership.Status.choices}
_STEPPED_BACK = str(Membership.Status.STEPPED_BACK)


# --- what a page shows about a person ---------------------------------------------


def staff_name(user) -> str:
    """How staff pages name a colleague: her full name, else her username."""
    return user.get_full_name() or user.username


def staff_name_of(first_name: str, last_name: str, username: str) -> str:
    """`staff_name` from the user's columns, for pages built from `values()` rows."""
    return f"{first_name} {last_name}".strip() or username


def contact_summary(profile: SafeContactProfile | None) -> str:
    """A short, safe summary of how she may be reached: never the number or address."""
    if profile is None:
        return SHE_WILL_GET_IN_TOUCH
    return contact_words(profile.channels, profile.safe_days, profile.safe_from, profile.safe_until)


def contact_words(channels, safe_days, safe_from: dt.time, safe_until: dt.time) -> str:
    """`contact_summary` from the profile's columns, for pages built from `values()` rows."""
    if not channels:
        return SHE_WILL_GET_IN_TOUCH
    named = ", ".join(CHANNEL_LABELS[c] for c in channels if c in CHANNEL_LABELS)
    if channels == [Channel.SUPPORT_WORKER]:
        return named
    days = [DAY_ABBREVIATIONS[d] for d in sorted(safe_days) if 0 <= d < 7]
    if not days:
        return _("%(channels)s · no safe days given yet") % {"channels": named}
    hours = f"{safe_from:%H:%M}–{safe_until:%H:%M}"
    return f"{named} · {', '.join(days)} · {hours}"


def contact_terms(contact: SupportContact) -> str:
    """When she said this person may be put in touch with her."""
    if contact.contact_if_i_ask and contact.contact_if_worried:
        return _("if she asks and if worried")
    if contact.contact_if_i_ask:
        return _("if she asks")
    if contact.contact_if_worried:
        return _("if worried")
    return _("not for now")


def status_text(membership: Membership) -> str:
    """Active, stepped back (until when) or left, in a few words."""
    return status_words(membership.status, membership.stepped_back_until)


def status_words(status: str, stepped_back_until: dt.date | None) -> str:
    """`status_text` from the membership's columns, for pages built from `values()` rows."""
    if status == _STEPPED_BACK:
        if stepped_back_until:
            return _("Stepped back until %(date)s") % {"date": dates.day(stepped_back_until)}
        return _("Stepped back")
    return STATUS_LABELS[status]


@dataclass(frozen=True)
class Fact:
    """One thing the member page shows staff about her: the label staff read, the label
    she reads on "Who sees what", the value both read, and a warning for staff only."""

    staff_label: str
    her_label: str
    value: str
    staff_note: str = ""


@dataclass(frozen=True)
class MemberCard:
    """Everything the staff member page shows about her, section by section. The staff
    page renders it and her "Who sees what" page renders the same object, so the two
    cannot tell different stories."""

    about: list[Fact]
    reach: list[Fact]
    supports: list[Fact]
    agreement: list[Fact]

    @property
    def facts(self) -> list[Fact]:
        return [*self.about, *self.reach, *self.supports, *self.agreement]


def member_card(
    membership: Membership,
    *,
    safe_contact: SafeContactProfile | None,
    contacts,
    current: AgreementVersion | None,
    response: AgreementResponse | None,
) -> MemberCard:
    """What a facilitator, or the support worker she has, sees on her member page."""
    member = membership.user
    profile = getattr(member, "profile", None)
    access_needs = profile.get_access_needs_display() if profile else []
    support_worker = membership.support_worker
    about = [
        Fact("Status", "Whether you are taking a break", status_text(membership)),
        Fact(
            "Pronouns",
            "Your pronouns",
            profile.pronouns if profile and profile.pronouns else "not given",
        ),
        Fact(
            "Access needs",
            "What helps you take part",
            "; ".join(access_needs) if access_needs else "none given",
        ),
        Fact(
            "Support worker",
            "Your support worker",
            staff_name(support_worker) if support_worker else "none named",
        ),
    ]
    channels = set(safe_contact.channels) if safe_contact else set()
    reach = [Fact("", "How to reach you", contact_summary(safe_contact))]
    reach += [
        Fact(
            "Voicemail", "Voicemail", "yes" if safe_contact and safe_contact.voicemail_ok else "no"
        ),
        Fact(
            "Sender name",
            "Who the message says it is from",
            (safe_contact.sender_name if safe_contact else "") or "not set",
        ),
        Fact(
            "May mention the group",
            "May the message name the group",
            "yes" if safe_contact and safe_contact.may_mention_group else "no",
        ),
    ]
    if safe_contact is not None:
        if safe_contact.phone:
            reach.append(
                Fact(
                    "Phone",
                    "Your phone number",
                    safe_contact.phone,
                    ""
                    if {Channel.SMS, Channel.CALL} & channels
                    else "she has not said texts or calls are safe: do not use it",
                )
            )
    if member.email:
        reach.append(
            Fact(
                "Email",
                "Your email",
                member.email,
                ""
                if Channel.EMAIL in channels
                else "she has not said email is safe: do not use it",
            )
        )
    if safe_contact is not None:
        reach.append(
            Fact("Last confirmed", "When you last checked it", dates.day(safe_contact.confirmed_at))
        )
    supports = []
    for contact in contacts:
        kind = CONTACT_KINDS.get(contact.kind, contact.get_kind_display())
        supports.append(
            Fact(
                kind,
                "Someone who can help you",
                f"{contact.display_name} ({kind}): {contact_terms(contact)}",
            )
        )
    agreement = [
        Fact(
            "Answer",
            "Your answer to the group agreement",
            agreement_text(response.agrees if response else None, current),
        )
    ]
    if response and not response.agrees and response.disagreement:
        agreement.append(
            Fact("What she disagrees with", "What you would change", response.disagreement)
        )
    return MemberCard(about=about, reach=reach, supports=supports, agreement=agreement)


def agreement_text(answer: bool | None, current: AgreementVersion | None) -> str:
    if current is None:
        return _("No agreement published yet")
    if answer is None:
        return _("Not answered yet")
    if answer:
        return _("Agreed to version %(number)s") % {"number": current.number}
    return _("Disagrees with some of it")


def training_warning(missing: set[str], group: CoproGroup) -> str:
    """The warning shown wherever a facilitator whose training is not current is named."""
    if not missing:
        return ""
    labels = dict(Training.Kind.choices)
    names = ", ".join(str(labels[kind]) for kind in Training.Kind.values if kind in missing)
    if group.training_policy == CoproGroup.TrainingPolicy.BLOCK:
        return _(
            "Training not current: %(names)s. This group's policy: cannot facilitate "
            "sessions until training is current"
        ) % {"names": names}
    return _("Training not current: %(names)s") % {"names": names}
