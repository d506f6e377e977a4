"""What the staff pages count and list: the staff home's group summaries and the roster's
rows (the training grid is in `groups.training_grid`).

Built from `values()` rows with only the columns each page shows, in a fixed number of
queries however many members there are, and tested directly
(`tests/groups/test_staff_summaries.py`). The words for one person are in
`groups.summaries`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.core import sql
from groups.access import StaffAccess
from groups.models import (
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    Profile,
    SafeContactProfile,
    Training,
    access_needs_display,
    chosen_name,
)
from groups.summaries import (
    ROLE_ORDER,
    agreement_text,
    contact_words,
    staff_name_of,
    status_words,
    training_warning,
)

# A member id no database hands out, reversed once and replaced by each row's id: one
# `reverse()` per page instead of one per row.
_ANY_ID = 2_147_483_647


def link_maker(url_name: str, *args):
    """`link(pk)` for the URL `url_name` with `args` then `pk`, from one `reverse()`."""
    url = reverse(url_name, args=[*args, _ANY_ID])
    head, tail = url.rsplit(str(_ANY_ID), 1)
    return lambda pk: f"{head}{pk}{tail}"


def strongest_role(roles) -> str:
    """Facilitator over support worker, when she holds both in one group."""
    return min(roles, key=lambda role: ROLE_ORDER.get(role, 9))


class TableRow:
    """A row of a long table. Templates look `row.name` up as a key before trying an
    attribute: answering the key lookup spares an exception for every cell."""

    def __getitem__(self, name: str):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None


# --- the staff home ---------------------------------------------------------------------


class GroupHeading(NamedTuple):
    """What her home shows of a group: its link, internal name and member-facing name."""

    pk: int
    name: str
    member_facing_name: str


@dataclass
class GroupSummary(TableRow):
    """One group on her home page: how many members, and what needs following up."""

    group: GroupHeading | CoproGroup
    role: str
    active: int = 0
    stepped_back: int = 0
    to_confirm: int = 0
    not_answered: int = 0
    has_agreement: bool = False
    facilitators_not_ready: int = 0
    # Her links for this group, from one `reverse()` per page for each (see `link_maker`).
    roster_url: str = ""
    training_url: str = ""
    agreement_url: str = ""
    invite_url: str = ""

    @property
    def is_facilitator(self) -> bool:
        return self.role == Membership.Role.FACILITATOR

    @property
    def follow_ups(self) -> list[str]:
        """What needs doing, in plain words; empty when nothing does."""
        items = []
        if self.to_confirm:
            items.append(
                ngettext(
                    "Safe-contact details to confirm: %(count)d member.",
                    "Safe-contact details to confirm: %(count)d members.",
                    self.to_confirm,
                )
                % {"count": self.to_confirm}
            )
        if self.has_agreement and self.not_answered:
            items.append(
                ngettext(
                    "Not yet answered the current group agreement: %(count)d member.",
                    "Not yet answered the current group agreement: %(count)d members.",
                    self.not_answered,
                )
                % {"count": self.not_answered}
            )
        if not self.has_agreement and self.is_facilitator:
            items.append(_("No group agreement is published yet."))
        if self.facilitators_not_ready:
            items.append(
                ngettext(
                    "Training not current: %(count)d facilitator.",
                    "Training not current: %(count)d facilitators.",
                    self.facilitators_not_ready,
                )
                % {"count": self.facilitators_not_ready}
            )
        return items


@dataclass
class StaffHome:
    """Her home page: the groups she works in, and the training she lacks."""

    summaries: list[GroupSummary]
    my_missing: list[str]


# For the hand-written queries (`coproduction.core.sql` says why).
TABLES = {
    "response": AgreementResponse._meta.db_table,
    "version": AgreementVersion._meta.db_table,
    "membership": Membership._meta.db_table,
    "group": CoproGroup._meta.db_table,
    "safe_contact": SafeContactProfile._meta.db_table,
    "profile": Profile._meta.db_table,
    "user": User._meta.db_table,
}


def confirming_check():
    """`SafeContactProfile.needs_confirming` for many rows, and for a member with no
    profile yet: today and the time zone looked up once, not twice a row (same rule: due
    `confirm_every_days` after the local day it was confirmed)."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()

    def due(confirmed_at, every_days) -> bool:
        if confirmed_at is None or every_days is None:
            return True
        return today >= confirmed_at.astimezone(zone).date() + dt.timedelta(days=every_days)

    return due


def staff_home(user) -> StaffHome:
    """The groups `user` works in, each with its counts and follow-ups (a support worker
    counts only the members she supports; stepped-back members are not chased).

    One hand-written query (everyone current in her groups, with each group's current
    agreement and each person's answer to it) and the training, joined here."""
    # Her id, read once: `user` is often the request's lazy user, which costs a lookup
    # through its wrapper for every one of the hundreds of rows compared with it.
    me = user.pk
    current = [Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK]
    # A group's current agreement is its published version with no newer published one;
    # (version, member) is unique, so the join on her answer keeps one row each.
    query = """
        SELECT m.group_id, g.name, g.member_facing_name, m.user_id, m.role, m.status,
            m.support_worker_id, sc.confirmed_at, sc.confirm_every_days, v.id, r.id
        FROM {membership} m
        JOIN {group} g ON g.id = m.group_id
        LEFT JOIN {safe_contact} sc ON sc.member_id = m.user_id
        LEFT JOIN {version} v ON v.group_id = m.group_id AND v.status = %s AND NOT EXISTS (
            SELECT 1 FROM {version} newer
            WHERE newer.group_id = v.group_id AND newer.status = %s AND newer.number > v.number
        )
        LEFT JOIN {response} r ON r.version_id = v.id AND r.member_id = m.user_id
        WHERE m.status IN (%s, %s) AND m.group_id IN (
            SELECT mine.group_id FROM {membership} mine
            WHERE mine.user_id = %s AND mine.role <> %s AND mine.status IN (%s, %s)
        )
        ORDER BY g.name, m.group_id
    """.format(**TABLES)  # noqa: S608 (table names from the models; values are parameters)
    published = AgreementVersion.Status.PUBLISHED
    people = sql.rows(query, [published, published, *current, me, Membership.Role.MEMBER, *current])
    headings: dict[int, GroupHeading] = {}
    roles: dict[int, set[str]] = defaultdict(set)
    current_versions: dict[int, int] = {}
    for group_id, name, facing_name, person_id, role, *_rest, version_id, _answered in people:
        if group_id not in headings:
            headings[group_id] = GroupHeading(group_id, name, facing_name)
            if version_id is not None:
                current_versions[group_id] = version_id
        if person_id == me and role != Membership.Role.MEMBER:
            roles[group_id].add(role)

    roster, training, agreement, invite = (
        link_maker(f"groups:{name}")
        for name in ("roster", "group_training", "agreement_drafts", "invite")
    )
    summaries = {
        pk: GroupSummary(
            group=heading,
            role=strongest_role(roles[pk]),
            has_agreement=pk in current_versions,
            roster_url=roster(pk),
            training_url=training(pk),
            agreement_url=agreement(pk),
            invite_url=invite(pk),
        )
        for pk, heading in headings.items()
    }
    due = confirming_check()
    facilitators: list[tuple[int, int]] = []
    for group_id, _g, _f, person_id, role, status, worker, confirmed, every, _v, answer in people:
        if role == Membership.Role.FACILITATOR:
            facilitators.append((group_id, person_id))
        if role != Membership.Role.MEMBER:
            continue
        summary = summaries[group_id]
        if not summary.is_facilitator and worker != me:
            continue  # a support worker follows up only the members she supports
        if status == Membership.Status.STEPPED_BACK:
            # Nothing goes to her while she is away, so nothing is chased either.
            summary.stepped_back += 1
            continue
        summary.active += 1
        if due(sql.timestamp(confirmed), every):
            summary.to_confirm += 1
        if group_id in current_versions and answer is None:
            summary.not_answered += 1

    missing = Training.objects.missing_for({me} | {pk for _, pk in facilitators})
    for group_id, person_id in facilitators:
        if missing[person_id]:
            summaries[group_id].facilitators_not_ready += 1
    labels = dict(Training.Kind.choices)
    return StaffHome(
        summaries=list(summaries.values()),
        my_missing=[labels[k] for k in Training.Kind.values if k in missing[me]],
    )


# --- the roster ---------------------------------------------------------------------------


@dataclass
class MemberRow(TableRow):
    """One member on the roster: only what the page shows, never her number or address."""

    url: str
    name: str
    status: str
    contact: str
    contact_to_confirm: bool
    support_worker: str
    agreement: str
    access_needs: list[str]


@dataclass
class StaffRow(TableRow):
    """One facilitator or support worker on the roster."""

    name: str
    role: str
    is_facilitator: bool
    warning: str = ""


# The roster's query, and the name of each column it gives.
ROSTER_QUERY = """
    SELECT m.id, m.user_id, m.status, m.stepped_back_until, r.agrees, u.first_name,
        p.preferred_name, p.access_needs, p.access_needs_other,
        sc.id, sc.channels, sc.safe_days, sc.safe_from, sc.safe_until, sc.confirmed_at,
        sc.confirm_every_days, w.first_name, w.last_name, w.username
    FROM {membership} m
    JOIN {user} u ON u.id = m.user_id
    LEFT JOIN {profile} p ON p.user_id = m.user_id
    LEFT JOIN {safe_contact} sc ON sc.member_id = m.user_id
    LEFT JOIN {user} w ON w.id = m.support_worker_id
    LEFT JOIN {response} r ON r.member_id = m.user_id AND r.version_id = %s
    WHERE m.group_id = %s AND m.role = %s AND m.status <> %s
        AND (%s IS NULL OR m.support_worker_id = %s)
    ORDER BY p.preferred_name, u.first_name, m.id
""".format(**TABLES)  # noqa: S608 (table names from the models; values are parameters)
ROSTER_COLUMNS = (
    "pk",
    "user_id",
    "status",
    "stepped_back_until",
    "agrees",
    "first_name",
    "preferred_name",
    "access_needs",
    "access_needs_other",
    "contact_id",
    "channels",
    "safe_days",
    "safe_from",
    "safe_until",
    "confirmed_at",
    "confirm_every_days",
    "worker_first_name",
    "worker_last_name",
    "worker_username",
)


def roster_rows(access: StaffAccess, current: AgreementVersion | None) -> list[MemberRow]:
    """The roster's member rows: the members she may see who joined, by name, with those
    who left at the end (one hand-written query)."""
    supported_by = access.supported_by
    found = sql.rows(
        ROSTER_QUERY,
        [
            current.pk if current else None,
            access.group.pk,
            Membership.Role.MEMBER,
            Membership.Status.INVITED,
            supported_by,
            supported_by,
        ],
    )
    rows = [dict(zip(ROSTER_COLUMNS, row, strict=True)) for row in found]
    left = str(Membership.Status.LEFT)
    # Those who left go last, still by name: a stable sort, cheaper than ordering in SQL.
    rows.sort(key=lambda row: row["status"] == left)
    # Only her own words among her access needs are encrypted: keys for those alone.
    crypto.warm_data_keys(row["user_id"] for row in rows if row["access_needs_other"])
    link = link_maker("groups:member_detail", access.group.pk)
    left_words = _("Not to be contacted: she has left the group")
    # The same few answers for every row: worded once each.
    agreement_words = {answer: agreement_text(answer, current) for answer in (True, False, None)}
    due = confirming_check()
    result = []
    for row in rows:
        has_left = row["status"] == left
        other = row["access_needs_other"]
        result.append(
            MemberRow(
                url=link(row["pk"]),
                name=chosen_name(row["preferred_name"], row["first_name"]),
                status=status_words(row["status"], sql.date(row["stepped_back_until"])),
                # No safe-contact profile reads as no channel: she will get in touch.
                contact=left_words
                if has_left
                else contact_words(
                    sql.json_value(row["channels"]),
                    sql.json_value(row["safe_days"]),
                    sql.time(row["safe_from"]),
                    sql.time(row["safe_until"]),
                ),
                contact_to_confirm=not has_left
                and row["contact_id"] is not None
                and due(sql.timestamp(row["confirmed_at"]), row["confirm_every_days"]),
                support_worker=staff_name_of(
                    row["worker_first_name"], row["worker_last_name"], row["worker_username"]
                )
                if row["worker_username"]
                else "",
                # SQLite gives the answer as 0 or 1.
                agreement=agreement_words[None if row["agrees"] is None else bool(row["agrees"])],
                access_needs=access_needs_display(
                    sql.json_value(row["access_needs"]), crypto.decrypt(other) if other else ""
                ),
            )
        )
    return result


def staff_rows(group: CoproGroup) -> list[StaffRow]:
    """The group's facilitators and support workers, facilitators first, each facilitator
    with a warning when her training is not current."""
    query = """
        SELECT m.id, m.role, m.user_id, u.first_name, u.last_name, u.username
        FROM {membership} m JOIN {user} u ON u.id = m.user_id
        WHERE m.group_id = %s AND m.role <> %s AND m.status IN (%s, %s)
    """.format(**TABLES)  # noqa: S608 (table names from the models; values are parameters)
    staff = sorted(
        sql.rows(
            query,
            [
                group.pk,
                Membership.Role.MEMBER,
                Membership.Status.ACTIVE,
                Membership.Status.STEPPED_BACK,
            ],
        ),
        key=lambda m: (ROLE_ORDER[m[1]], staff_name_of(*m[3:]), m[0]),
    )
    facilitator_ids = [m[2] for m in staff if m[1] == Membership.Role.FACILITATOR]
    missing = Training.objects.missing_for(facilitator_ids)
    roles = dict(Membership.Role.choices)
    return [
        StaffRow(
            name=staff_name_of(*names),
            role=str(roles[role]),
            is_facilitator=role == Membership.Role.FACILITATOR,
            warning=training_warning(missing[user_id], group)
            if role == Membership.Role.FACILITATOR
            else "",
        )
        for _pk, role, user_id, *names in staff
    ]
