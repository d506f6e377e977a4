"""The one policy every page, export, report and message asks about a member's data.

It reads the consent ledger (her current answers) and each contribution's visibility;
nothing else decides what others may see, so a change she makes takes effect
everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import display_for_value, lookup_field

from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    ConsentText,
    ContactSharedWithCharity,
    Contribution,
    CurrentAnswer,
    Visibility,
)
from coproduction import crypto
from coproduction.core import sql
from groups.models import (
    AgreementResponse,
    AgreementVersion,
    Membership,
    SafeContactProfile,
    SupportPlan,
    preferred_name,
    staff_around,
)
from groups.summaries import member_card

FACILITATORS = "facilitators"
SUPPORT_WORKER = "support_worker"
GROUP = "group"
PARTNER_CHARITY = "partner"
OUTPUTS = "outputs"
AUDIENCES = {
    FACILITATORS: "The facilitators",
    SUPPORT_WORKER: "Your support worker",
    GROUP: "Other members of the group",
    # Member pages say "organisation": a glance at her screen should not read "charity".
    PARTNER_CHARITY: "The partner organisation",
    OUTPUTS: "Reports and talks",
}

# Who sees a contribution, by the visibility she chose. Reports are a separate question
# (`in_outputs`), since they also depend on her consent to quotes and credit.
SEEN_BY = {
    Visibility.ONLY_ME: frozenset(),
    Visibility.FACILITATORS: frozenset({FACILITATORS}),
    Visibility.GROUP: frozenset({FACILITATORS, GROUP}),
    Visibility.ANONYMISED: frozenset({FACILITATORS, GROUP}),
    Visibility.CREDITED: frozenset({FACILITATORS, GROUP}),
}


@dataclass(frozen=True)
class Choice:
    """One purpose as she sees it now: the current wording, her latest answer (or the
    most private default), and whether the wording changed since she answered."""

    purpose: ConsentPurpose
    text: ConsentText
    answer: str
    event: ConsentEvent | None

    @property
    def is_default(self) -> bool:
        return self.event is None

    @property
    def needs_review(self) -> bool:
        return self.event is not None and self.event.text_id != self.text.pk


# The policy's reads run on every member page and every sharing page, so each is one
# hand-written query (`coproduction.core.sql` says why).
TABLES = {
    "text": ConsentText._meta.db_table,
    "purpose": ConsentPurpose._meta.db_table,
    "event": ConsentEvent._meta.db_table,
    "current": CurrentAnswer._meta.db_table,
}


def purposes() -> list[ConsentPurpose]:
    """Active purposes in their order, each with its wordings newest first as `versions`
    (one query)."""
    query = """
        SELECT t.*, p.slug AS purpose_slug, p."order" AS purpose_order
        FROM {text} t JOIN {purpose} p ON p.id = t.purpose_id
        WHERE p.is_active = %s
        ORDER BY p."order", p.slug, t.version DESC
    """.format(**TABLES)  # noqa: S608 (table names from the models; values are parameters)
    result: dict[int, ConsentPurpose] = {}
    for text in ConsentText.objects.raw(query, [True]):
        purpose = result.get(text.purpose_id)
        if purpose is None:
            purpose = result[text.purpose_id] = ConsentPurpose.from_db(
                text._state.db,
                ["id", "slug", "order", "is_active"],
                [text.purpose_id, text.purpose_slug, text.purpose_order, True],
            )
            purpose.versions = []
        purpose.versions.append(text)
        text.purpose = purpose
    return list(result.values())


def latest_events(member_ids) -> dict[tuple[int, int], ConsentEvent]:
    """(member id, purpose id) → her latest event, for any number of members: one query
    that reads one row per member and purpose, however long their histories."""
    member_ids = list(member_ids)
    query = """
        SELECT e.* FROM {current} c JOIN {event} e ON e.id = c.event_id
        WHERE c.member_id IN ({members})
    """.format(members=sql.placeholders(member_ids), **TABLES)  # noqa: S608 (as above)
    return {(e.member_id, e.purpose_id): e for e in ConsentEvent.objects.raw(query, member_ids)}


def choices(member) -> list[Choice]:
    """Her current choice for every active purpose (two queries however long her history)."""
    latest = latest_events([member.pk])
    result = []
    for purpose in purposes():
        event = latest.get((member.pk, purpose.pk))
        result.append(
            Choice(
                purpose=purpose,
                text=purpose.versions[0],
                answer=event.answer if event else Answer.NO,
                event=event,
            )
        )
    return result


def answers(member_ids, purposes=None) -> dict[int, dict[str, str]]:
    """member id → {purpose slug → answer}, defaults (no) included: one query that reads
    one row per member and purpose, whatever the history, and one for the purposes unless
    the page already holds them (`purposes()`: then only those purposes are answered)."""
    if purposes is None:
        slugs = dict(ConsentPurpose.objects.values_list("pk", "slug"))
    else:
        slugs = {purpose.pk: purpose.slug for purpose in purposes}
    table = {member_id: dict.fromkeys(slugs.values(), Answer.NO) for member_id in member_ids}
    query = "SELECT member_id, purpose_id, answer FROM {current} WHERE member_id IN ({members})"
    current = sql.rows(
        query.format(members=sql.placeholders(table), **TABLES),  # noqa: S608 (as above)
        list(table),
    )
    # Answers to purposes left out are skipped here rather than in the query, which
    # costs more to build than the few rows it would save.
    for member_id, purpose_id, answer in current:
        if purpose_id in slugs:
            table[member_id][slugs[purpose_id]] = answer
    return table


def allows(member, slug: str) -> bool:
    """Whether she said yes to `slug`. "Ask me each time" is not a yes for anything automatic."""
    return answers([member.pk])[member.pk].get(slug) == Answer.YES


def channel_allowed(member, channel: str) -> bool:
    """Whether she said this way of contacting her is safe (her safe-contact profile is
    where she answers it, so there is one switch, not two that could disagree)."""
    profile = SafeContactProfile.objects.filter(member=member).only("channels").first()
    return profile is not None and channel in profile.channels


def visibilities_seen_by(audience: str) -> list[str]:
    """The visibilities `audience` sees inside the group: asked of the database, so a
    contribution not shared with it never leaves it."""
    return [value for value, audiences in SEEN_BY.items() if audience in audiences]


def seen_by(contribution, audience: str) -> bool:
    """Whether `audience` sees this contribution inside the group."""
    return audience in SEEN_BY[contribution.visibility]


def in_outputs(contribution, member_answers: dict[str, str]) -> str | None:
    """How a contribution may appear in reports: "credited", "anonymised" or not at all.
    Credit needs her yes to named credit; otherwise an anonymous quote needs her yes to
    anonymous quotes. Withdrawing either takes it out of the next export."""
    if contribution.visibility == Visibility.CREDITED and (
        member_answers.get("named_credit") == Answer.YES
    ):
        return "credited"
    if contribution.visibility in (Visibility.ANONYMISED, Visibility.CREDITED) and (
        member_answers.get("anonymous_quotes") == Answer.YES
    ):
        return "anonymised"
    return None


def output_quotes(group) -> list[dict]:
    """The group's contributions that may appear in a report, as they may appear."""
    contributions = list(
        Contribution.objects.filter(
            group=group, visibility__in=[Visibility.ANONYMISED, Visibility.CREDITED]
        )
        .select_related("member__profile")
        .order_by("created_at", "pk")
    )
    member_ids = {c.member_id for c in contributions}
    table = answers(member_ids)
    crypto.warm_data_keys(member_ids)
    quotes = []
    for contribution in contributions:
        how = in_outputs(contribution, table[contribution.member_id])
        if how is None:
            continue
        quotes.append(
            {
                "text": contribution.text,
                "kind": contribution.get_kind_display(),
                "credit": preferred_name(contribution.member, default="")
                if how == "credited"
                else "",
                "date": contribution.created_at.date().isoformat(),
            }
        )
    return quotes


@dataclass(frozen=True)
class Seen:
    """One thing an audience can see about her, and why."""

    label: str
    value: str


# The partner admin's columns as she reads them (the admin speaks about her).
PARTNER_COLUMNS = {
    "name": "Your name",
    "email": "Your email",
    "phone": "Your phone number",
    "ways": "The ways you said are safe",
    "days": "Your safe days",
    "hours": "Your safe times",
    "sender_name": "Who the message says it is from",
}


def _cards(member) -> list:
    """Her member page as each group's staff see it, one card per group she is in, built
    by the very function the staff page renders (a fixed number of queries)."""
    memberships = list(
        Membership.objects.current()
        .members()
        .filter(user=member)
        .select_related("group", "support_worker", "user__profile")
        .order_by("group__member_facing_name", "pk")
    )
    if not memberships:
        return []
    safe_contact = SafeContactProfile.objects.filter(member=member).first()
    contacts = list(member.support_contacts.select_related("staff_user"))
    current = {}
    for version in AgreementVersion.objects.filter(
        group__in=[m.group_id for m in memberships], status=AgreementVersion.Status.PUBLISHED
    ).order_by("group_id", "-number"):
        current.setdefault(version.group_id, version)
    responses = {
        r.version_id: r
        for r in AgreementResponse.objects.filter(
            member=member, version__in=[v.pk for v in current.values()]
        )
    }
    cards = []
    for membership in memberships:
        version = current.get(membership.group_id)
        cards.append(
            (
                membership,
                member_card(
                    membership,
                    safe_contact=safe_contact,
                    contacts=contacts,
                    current=version,
                    response=responses.get(version.pk) if version else None,
                ),
            )
        )
    return cards


def _partner_columns(member) -> list[Seen]:
    """What the partner organisation's admin list shows about her, column by column, read
    through that admin's own display code: nothing unless she said yes to sharing."""
    profile = ContactSharedWithCharity.objects.filter(member=member).first()
    if profile is None:
        return []
    model_admin = admin.site._registry[ContactSharedWithCharity]
    seen = []
    for name in model_admin.list_display:
        _, _, value = lookup_field(name, profile, model_admin)
        text = str(display_for_value(value, "")) if value not in (None, "") else ""
        seen.append(Seen(PARTNER_COLUMNS.get(name, name), text or "Nothing given"))
    return seen


def what_others_see(member) -> dict[str, list[Seen]]:
    """For each audience, exactly what it sees about her: the staff audiences through the
    staff member page's own card, the partner through its admin's own columns, the group
    and reports through this module's rules (a fixed number of queries however long her
    history)."""
    name = preferred_name(member, default="")
    mine = answers([member.pk])[member.pk]
    contributions = list(member.contributions.all())
    plan = SupportPlan.objects.filter(member=member).prefetch_related("readers").first()
    plan_readers = {r.pk: r for r in plan.readers.all()} if plan else {}
    around = {u.pk: u for u in staff_around(member)}
    roles = dict(
        Membership.objects.filter(
            user_id__in=around, role__in=["facilitator", "support_worker"]
        ).values_list("user_id", "role")
    )
    cards = _cards(member)
    many = len(cards) > 1

    def readers_with(role: str) -> str:
        names = [
            u.get_full_name() or u.username
            for pk, u in plan_readers.items()
            if pk in around and roles.get(pk) == role
        ]
        return ", ".join(names)

    def contributions_for(audience: str) -> list[Seen]:
        return [Seen(c.get_kind_display(), c.text) for c in contributions if seen_by(c, audience)]

    def card_seen(membership, card) -> list[Seen]:
        where = f" ({membership.group.member_facing_name})" if many else ""
        return [Seen(f"{fact.her_label}{where}", fact.value) for fact in card.facts]

    facilitators = [Seen("Your name", name)] if cards else []
    for membership, card in cards:
        facilitators += card_seen(membership, card)
    if readers_with("facilitator"):
        facilitators.append(Seen("Your support plan", f"Shared with {readers_with('facilitator')}"))
    if cards:
        facilitators.append(Seen("Your choices", "Your answers on the page Your choices"))
    facilitators += contributions_for(FACILITATORS)

    supported = [(membership, card) for membership, card in cards if membership.support_worker_id]
    support_worker = [Seen("Your name", name)] if supported else []
    for membership, card in supported:
        support_worker += card_seen(membership, card)
    if readers_with("support_worker"):
        support_worker.append(
            Seen("Your support plan", f"Shared with {readers_with('support_worker')}")
        )
    if supported:
        support_worker.append(Seen("Your choices", "Your answers on the page Your choices"))
    if supported and mine.get("checkins_seen_by_support_worker") == Answer.YES:
        support_worker.append(Seen("Your check-in answers", "How you said you were doing"))

    group = [Seen("Name", name), *contributions_for(GROUP)]
    partner = [Seen("That you are in the group", "Counted, not named")]
    # Asked whatever her answer, so the page costs the same whatever she chose.
    shared = _partner_columns(member)
    if mine.get("share_contact_with_partner") == Answer.YES:
        partner += shared
    outputs = []
    for contribution in contributions:
        how = in_outputs(contribution, mine)
        if how == "credited":
            outputs.append(
                Seen(f"{contribution.get_kind_display()}, with your name", contribution.text)
            )
        elif how == "anonymised":
            outputs.append(
                Seen(f"{contribution.get_kind_display()}, without your name", contribution.text)
            )
    if mine.get("named_credit") == Answer.YES:
        outputs.append(Seen("Your name", f"Thanked as {name}"))
    for slug, label in (("photos", "Photos with you in them"), ("recordings", "Recordings of you")):
        if mine.get(slug) == Answer.YES:
            outputs.append(Seen(label, "Yes"))
    return {
        FACILITATORS: facilitators,
        SUPPORT_WORKER: support_worker,
        GROUP: group,
        PARTNER_CHARITY: partner,
        OUTPUTS: outputs,
    }
