"""Seeds for the page bench: many groups, members and consent events, written in bulk.

Every row is made from the real models, so every column is what the services would
write: encrypted fields go through `EncryptedTextField.pre_save` with each person's own
data key (made here as `coproduction.crypto` makes them, then loaded once per batch with
`crypto.warm_data_keys`), and TOTP secrets through the MFA adapter's encryption. Rows are
written with `bulk_create` in batches, never a service call per row, so the full size
seeds in a few minutes. The consent ledger is append-only by trigger; inserting is what
it allows.

What one group holds (`GroupPlan`): its members, each with a profile and a safe-contact
profile, a membership (88% active, 5% stepped back, 4% left, 3% invited) and, for one in
five, a named support worker; two facilitators and one support worker, shared with the
neighbouring group, each with the three training records (every fifth person's
safeguarding has lapsed) and a TOTP authenticator; a published agreement (version 1)
answered by about 70% of its members and a draft version 2 with two comments; and
`events_per_member` consent events per member over the active purposes, spread over two
years and written in time order across all members, mostly yes/no changes (one in ten
"ask me each time"; one in twenty recorded by a facilitator on paper, in person or on the
phone, with a note).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from cryptography.fernet import Fernet
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from consent import projection
from consent.models import Answer, ConsentEvent, ConsentPurpose
from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.crypto.models import DataKey
from coproduction.outbox.channels import Channel
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    Organisation,
    Profile,
    SafeContactProfile,
    Training,
)

# One password for every seeded account, hashed once: hashing it per person would take
# the seed hours.
PASSWORD = "bench-password-2026"  # noqa: S105 (seeded accounts in a throwaway database)
BATCH = 5_000
EVENT_BATCH = 10_000

NAMES = [
    "Sam", "Maria", "Jade", "Lou", "Kerry", "Precious", "Aisha", "Bea", "Cat", "Dani",
    "Esme", "Fran", "Gemma", "Hana", "Iris", "Jo", "Kat", "Leah", "Mo", "Nia",
]  # fmt: skip
SURNAMES = ["Ward", "Khan", "Okafor", "Patel", "Reid", "Shah", "Mensah", "Fraser", "Lee", "Ng"]


@dataclass(frozen=True)
class GroupPlan:
    members: int = 100
    events_per_member: int = 100


@dataclass(frozen=True)
class Plan:
    """What to seed: one `GroupPlan` per group."""

    name: str
    groups: tuple[GroupPlan, ...]

    @property
    def members(self) -> int:
        return sum(g.members for g in self.groups)

    @property
    def events(self) -> int:
        return sum(g.members * g.events_per_member for g in self.groups)


FULL = Plan("full", (GroupPlan(100, 100),) * 50)
SMALL = Plan("small", (GroupPlan(50, 100),))
# The history check: two groups alike but for the length of each member's history.
HISTORY = Plan("history", (GroupPlan(100, 10), GroupPlan(100, 1_000)))
PLANS = {plan.name: plan for plan in (FULL, SMALL, HISTORY)}


@dataclass
class Seeded:
    """What the runner needs to sign in and find its pages."""

    group_ids: list[int]
    facilitator: User
    totp_secret: str
    member: User
    counts: dict[str, int] = field(default_factory=dict)


def _batched(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _bulk(model, rows, size=BATCH):
    made = []
    for batch in _batched(rows, size):
        made.extend(model.objects.bulk_create(batch, batch_size=size))
    return made


def _make_data_keys(owner_ids) -> None:
    """Each person's data key, as `crypto.encrypt_bytes_for` makes it the first time,
    then loaded so the fields' `pre_save` finds them without a query each."""
    _bulk(
        DataKey,
        [
            DataKey(owner_id=pk, wrapped=crypto.encrypt(Fernet.generate_key().decode()))
            for pk in owner_ids
        ],
    )
    crypto.warm_data_keys(owner_ids)


def _users(prefix: str, count: int, kind: str, password: str, rng: random.Random) -> list[User]:
    users = []
    for i in range(count):
        first = rng.choice(NAMES) if kind == User.Kind.MEMBER else NAMES[i % len(NAMES)]
        # Three in ten members have no e-mail: reached through her support worker.
        has_email = kind == User.Kind.STAFF or rng.random() > 0.3
        users.append(
            User(
                username=f"{prefix}{i}",
                first_name=first,
                last_name=rng.choice(SURNAMES) if kind == User.Kind.STAFF else "",
                email=f"{prefix}{i}@example.org" if has_email else "",
                kind=kind,
                password=password,
            )
        )
    return _bulk(User, users)


def _staff(plan: Plan, password: str, rng: random.Random, now) -> tuple[list, list]:
    facilitators = _users(
        "bench-facilitator-", max(len(plan.groups), 2), User.Kind.STAFF, password, rng
    )
    workers = _users("bench-worker-", (len(plan.groups) + 1) // 2, User.Kind.STAFF, password, rng)
    staff = facilitators + workers
    today = timezone.localdate()
    trainings = []
    for n, person in enumerate(staff):
        for kind in Training.Kind.values:
            lapsed = kind == Training.Kind.SAFEGUARDING and n % 5 == 4
            trainings.append(
                Training(
                    person=person,
                    kind=kind,
                    completed_on=today - dt.timedelta(days=800 if lapsed else 300),
                    expires_on=today - dt.timedelta(days=70 if lapsed else -430),
                    provider="Bench training",
                    recorded_at=now,
                )
            )
    _bulk(Training, trainings)
    _bulk(
        Authenticator,
        [
            Authenticator(
                user=person,
                type=Authenticator.Type.TOTP,
                data={"secret": crypto.encrypt(generate_totp_secret())},
            )
            for person in staff
        ],
    )
    _bulk(
        EmailAddress,
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in staff],
    )
    return facilitators, workers


def _profiles(members, rng: random.Random, now) -> None:
    profiles, contacts = [], []
    needs = Profile.AccessNeed.values
    for user in members:
        profiles.append(
            Profile(
                user=user,
                preferred_name=user.first_name if rng.random() < 0.5 else rng.choice(NAMES),
                pronouns=rng.choice(["she/her", "they/them"]) if rng.random() < 0.3 else "",
                access_needs=rng.sample(needs, rng.choice([0, 0, 1, 2])),
                access_needs_other="Somewhere to sit near the door" if rng.random() < 0.05 else "",
                updated_at=now,
            )
        )
        channels = rng.choice(
            [
                [],
                [Channel.SMS],
                [Channel.SMS, Channel.CALL],
                [Channel.EMAIL],
                [Channel.SUPPORT_WORKER],
            ]
        )
        by_phone = Channel.SMS in channels or Channel.CALL in channels
        contacts.append(
            SafeContactProfile(
                member=user,
                channels=channels,
                phone=f"07700 9{rng.randrange(10**5):05d}" if by_phone else "",
                safe_days=sorted(rng.sample(range(7), rng.randrange(0, 6))),
                safe_from=dt.time(10, 0),
                safe_until=dt.time(rng.choice([14, 16, 18]), 0),
                voicemail_ok=rng.random() < 0.2,
                sender_name="Jo" if by_phone else "",
                may_mention_group=rng.random() < 0.1,
                reply_word="Sunflower" if rng.random() < 0.2 else "",
                # One in four is due to confirm how she may be reached.
                confirmed_at=now - dt.timedelta(days=rng.choice([10, 40, 60, 120])),
            )
        )
    _bulk(Profile, profiles)
    _bulk(SafeContactProfile, contacts)


STATUSES = (
    [Membership.Status.ACTIVE] * 88
    + [Membership.Status.STEPPED_BACK] * 5
    + [Membership.Status.LEFT] * 4
    + [Membership.Status.INVITED] * 3
)


def _memberships(group, members, facilitators, worker, rng: random.Random, now) -> list:
    staff = [(f, Membership.Role.FACILITATOR) for f in facilitators]
    staff.append((worker, Membership.Role.SUPPORT_WORKER))
    rows = [
        Membership(
            user=person,
            group=group,
            role=role,
            status=Membership.Status.ACTIVE,
            joined_at=now - dt.timedelta(days=800),
        )
        for person, role in staff
    ]
    for i, user in enumerate(members):
        # Her first member is always active: the one the bench signs in as.
        status = Membership.Status.ACTIVE if i == 0 else rng.choice(STATUSES)
        joined = now - dt.timedelta(days=rng.randrange(30, 730))
        rows.append(
            Membership(
                user=user,
                group=group,
                role=Membership.Role.MEMBER,
                status=status,
                support_worker=worker if i == 0 or rng.random() < 0.2 else None,
                invited_by=facilitators[0],
                created_at=joined,
                joined_at=None if status == Membership.Status.INVITED else joined,
                status_changed_at=joined,
                stepped_back_until=(timezone.localdate() + dt.timedelta(days=20))
                if status == Membership.Status.STEPPED_BACK
                else None,
                leave_choice=Membership.LeaveChoice.KEEP
                if status == Membership.Status.LEFT
                else "",
            )
        )
    return rows


def _agreements(groups_members, facilitator_of, rng: random.Random, now) -> None:
    versions = []
    for group, _ in groups_members:
        versions.append(
            AgreementVersion(
                group=group,
                number=1,
                text="We listen. What is said here stays here. Anyone can take a break.",
                status=AgreementVersion.Status.PUBLISHED,
                created_by=facilitator_of[group.pk],
                created_at=now - dt.timedelta(days=400),
                published_at=now - dt.timedelta(days=390),
            )
        )
        versions.append(
            AgreementVersion(
                group=group,
                number=2,
                text="We listen. What is said here stays here. Anyone can take a break, "
                "and nobody has to say why.",
                created_by=facilitator_of[group.pk],
                created_at=now - dt.timedelta(days=20),
            )
        )
    versions = _bulk(AgreementVersion, versions)
    published = {v.group_id: v for v in versions if v.number == 1}
    drafts = {v.group_id: v for v in versions if v.number == 2}
    responses, comments = [], []
    for group, members in groups_members:
        for member in members:
            if rng.random() < 0.7:
                agrees = rng.random() < 0.9
                responses.append(
                    AgreementResponse(
                        version=published[group.pk],
                        member=member,
                        agrees=agrees,
                        disagreement="" if agrees else "I would like breaks to be longer.",
                        responded_at=now - dt.timedelta(days=rng.randrange(1, 380)),
                    )
                )
        for member in members[1:3]:
            comments.append(
                AgreementComment(
                    version=drafts[group.pk],
                    author=member,
                    kind=AgreementComment.Kind.PROPOSAL,
                    text="Could we say that phones stay in bags?",
                    created_at=now - dt.timedelta(days=5),
                )
            )
    _bulk(AgreementResponse, responses)
    _bulk(AgreementComment, comments)


def _event_rows(groups_members, plan: Plan, facilitator_of, rng: random.Random, now) -> list:
    """Every member's history as (at, member id, purpose, answer, recorded by, method),
    in time order across all members, as a live ledger would hold it."""
    purposes = list(ConsentPurpose.objects.filter(is_active=True).prefetch_related("texts"))
    texts = {p.pk: max(p.texts.all(), key=lambda t: t.version) for p in purposes}
    span = 730 * 24 * 3600
    rows = []
    for (group, members), group_plan in zip(groups_members, plan.groups, strict=True):
        for member in members:
            current = {p.pk: Answer.NO for p in purposes}
            for _ in range(group_plan.events_per_member):
                purpose = rng.choice(purposes)
                if rng.random() < 0.1:
                    answer = Answer.ASK
                else:
                    # Mostly a change of mind: yes to no, or no to yes.
                    answer = Answer.NO if current[purpose.pk] == Answer.YES else Answer.YES
                    if rng.random() < 0.2:
                        answer = (
                            current[purpose.pk] if current[purpose.pk] != Answer.ASK else Answer.NO
                        )
                current[purpose.pk] = answer
                at = now - dt.timedelta(seconds=rng.randrange(span))
                if rng.random() < 0.05:
                    method = rng.choice(
                        [
                            ConsentEvent.Method.PAPER,
                            ConsentEvent.Method.IN_PERSON,
                            ConsentEvent.Method.PHONE,
                        ]
                    )
                    recorded_by = facilitator_of[group.pk].pk
                else:
                    method, recorded_by = ConsentEvent.Method.PORTAL, member.pk
                rows.append(
                    (at, member.pk, purpose.pk, texts[purpose.pk].pk, answer, recorded_by, method)
                )
    # A member's answers are drawn in order above; times are drawn afresh, so sort each
    # member's times back into that order before the global sort.
    by_member: dict[int, list] = {}
    for row in rows:
        by_member.setdefault(row[1], []).append(row)
    ordered = []
    for member_rows in by_member.values():
        times = sorted(r[0] for r in member_rows)
        ordered.extend((t, *r[1:]) for t, r in zip(times, member_rows, strict=True))
    ordered.sort(key=lambda r: r[0])
    return ordered


def write_consent_events(rows, owner_ids) -> int:
    """Append the events to the ledger in batches, oldest first (the highest id is the
    latest, as the ledger assumes). The one place the seed writes events: anything that
    must follow them (a projection of current answers) is filled here, after the insert."""
    written = 0
    for batch in _batched(rows, EVENT_BATCH):
        crypto.warm_data_keys(owner_ids)  # the cache outlives a batch only by a minute
        events = [
            ConsentEvent(
                at=at,
                member_id=member_id,
                purpose_id=purpose_id,
                text_id=text_id,
                answer=answer,
                recorded_by_id=recorded_by,
                method=method,
                how_she_told_us=""
                if method == ConsentEvent.Method.PORTAL
                else "Told us at a session",
            )
            for at, member_id, purpose_id, text_id, answer, recorded_by, method in batch
        ]
        ConsentEvent.objects.bulk_create(events, batch_size=EVENT_BATCH)
        written += len(events)
    # After every batch, not per batch: a batch mixes members, and each member's current
    # answer is her latest event over the whole ledger.
    projection.rebuild(owner_ids)
    return written


def seed(plan: Plan, *, seed_value: int = 8) -> Seeded:
    """Write `plan` into the (freshly migrated) database and say who to sign in as."""
    rng = random.Random(seed_value)
    now = timezone.now()
    password = make_password(PASSWORD)
    with transaction.atomic():
        charity = Organisation.objects.create(name="Bench charity", kind=Organisation.Kind.CHARITY)
        facilitators, workers = _staff(plan, password, rng, now)
        groups = _bulk(
            CoproGroup,
            [
                CoproGroup(
                    name=f"Bench group {n}", member_facing_name="Tuesday group", created_at=now
                )
                for n in range(len(plan.groups))
            ],
        )
        CoproGroup.organisations.through.objects.bulk_create(
            [
                CoproGroup.organisations.through(coprogroup_id=g.pk, organisation_id=charity.pk)
                for g in groups
            ]
        )
        members = _users("bench-member-", plan.members, User.Kind.MEMBER, password, rng)
        member_ids = [m.pk for m in members]
        _make_data_keys(member_ids)
        _bulk(
            EmailAddress,
            [
                EmailAddress(user=m, email=m.email, verified=True, primary=True)
                for m in members
                if m.email
            ],
        )
        _profiles(members, rng, now)

        groups_members, memberships, facilitator_of = [], [], {}
        start = 0
        for n, (group, group_plan) in enumerate(zip(groups, plan.groups, strict=True)):
            hers = members[start : start + group_plan.members]
            start += group_plan.members
            leads = [facilitators[n % len(facilitators)], facilitators[(n + 1) % len(facilitators)]]
            facilitator_of[group.pk] = leads[0]
            memberships += _memberships(group, hers, leads, workers[n // 2], rng, now)
            groups_members.append((group, hers))
        _bulk(Membership, memberships)
        _agreements(groups_members, facilitator_of, rng, now)
        events = write_consent_events(
            _event_rows(groups_members, plan, facilitator_of, rng, now), member_ids
        )

    # A production database has planner statistics (autovacuum gathers them); a bulk load
    # measured at once would not, and PostgreSQL would plan its queries for empty tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # The person the bench signs in as: a real TOTP secret she could type a code from.
    facilitator = facilitators[0]
    secret = generate_totp_secret()
    Authenticator.objects.filter(user=facilitator, type=Authenticator.Type.TOTP).update(
        data={"secret": crypto.encrypt(secret)}
    )
    return Seeded(
        group_ids=[g.pk for g in groups],
        facilitator=facilitator,
        totp_secret=secret,
        member=groups_members[0][1][0],
        counts={
            "groups": len(groups),
            "members": len(members),
            "staff": len(facilitators) + len(workers),
            "memberships": len(memberships),
            "consent events": events,
        },
    )
