"""Demo data: the people of ../shared/PEOPLE.md in two groups of two organisations, with
their memberships, contact choices, support, training, agreement, consent and contributions,
their sessions (sessions_app/demo.py), and "you said, we did". It lives in the top app
because it seeds every app below it.

Safe to run again: every row is found by a natural key before it is made, and
passwords are set only when an account is first created.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from consent.demo import seed_consent
from coproduction.audit.models import AuditEvent
from coproduction.outbox import services as outbox
from coproduction.outbox.channels import Channel
from groups import services
from groups.models import (
    AgreementComment,
    AgreementResponse,
    AgreementVersion,
    CoproGroup,
    Membership,
    Organisation,
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
    Training,
)
from sessions_app import services as support
from sessions_app.demo import seed_sessions
from sessions_app.models import CheckInPlan, SupportRequest

# Who each group's support worker supports: Dee supports Sam and Precious only (PEOPLE.md).
SUPPORTED = {"sam", "precious", "aisha", "carla"}

DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105 - printed for newcomers; demo data only


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str  # member, facilitator, support_worker, partner_admin, superuser


CHARITY = "Riverside Women's Centre"
UNIVERSITY = "University of Westbury"

GROUPS = {
    CHARITY: {
        "name": "Bridging the gap: primary care access (Riverside)",
        "member_facing_name": "Tuesday group",
        "kind": Organisation.Kind.CHARITY,
        "people": [
            Person("helen", "Helen", "Ward", "helen.ward@example.org", "facilitator"),
            Person("amira", "Amira", "Khan", "amira.khan@example.org", "facilitator"),
            Person("dee", "Dee", "Okafor", "dee.okafor@example.org", "support_worker"),
            Person("ruth", "Ruth", "Patel", "ruth.patel@example.org", "partner_admin"),
            Person("sam", "Sam", "", "sam@example.org", "member"),
            Person("precious", "Precious", "", "", "member"),
            Person("maria", "Maria", "", "maria@example.org", "member"),
            Person("jade", "Jade", "", "jade@example.org", "member"),
            Person("lou", "Lou", "", "lou@example.org", "member"),
            Person("kerry", "Kerry", "", "kerry@example.org", "member"),
        ],
    },
    UNIVERSITY: {
        "name": "Practice reception study (Westbury)",
        "member_facing_name": "Thursday group",
        "kind": Organisation.Kind.UNIVERSITY,
        "people": [
            Person("tom", "Tom", "Reid", "tom.reid@example.org", "facilitator"),
            Person("priya", "Priya", "Shah", "priya.shah@example.org", "facilitator"),
            Person("grace", "Grace", "Mensah", "grace.mensah@example.org", "support_worker"),
            Person("neil", "Neil", "Fraser", "neil.fraser@example.org", "partner_admin"),
            Person("aisha", "Aisha", "", "aisha@example.org", "member"),
            Person("bex", "Bex", "", "bex@example.org", "member"),
            Person("carla", "Carla", "", "carla@example.org", "member"),
            Person("donna", "Donna", "", "donna@example.org", "member"),
            Person("eve", "Eve", "", "eve@example.org", "member"),
            Person("fran", "Fran", "", "fran@example.org", "member"),
        ],
    },
}
AGREEMENT = """- We listen, and we do not interrupt.
- Nobody has to share their story. Ever.
- What is said in the room stays in the room.
- You can take a break or leave at any time, without saying why.
- We disagree with ideas, not with people."""

SAM_HOURS = {"safe_days": [1, 2, 3], "safe_from": dt.time(10), "safe_until": dt.time(14)}
WEEKDAY_HOURS = {"safe_days": [0, 1, 2, 3, 4], "safe_from": dt.time(9), "safe_until": dt.time(18)}

# What each member chose, as in PEOPLE.md; members not listed keep the most private defaults.
MEMBER_DETAILS = {
    "sam": {
        "contact": {
            "channels": [Channel.SMS], "phone": "07700 900123", "sender_name": "Jo",
            "reply_word": "1 OK, 2 not great, 3 please call", **SAM_HOURS,
        },
        "plan": {
            "what_helps": "A text before anyone calls me.",
            "please_do": "Sit me near the door.",
            "please_do_not": "Ask me about my past.",
        },
        "agreement": True,
        "days_in_group": 400,
    },
    "precious": {
        "contact": {"channels": [Channel.SUPPORT_WORKER]},
        "access_needs": ["breaks"],
        "access_needs_other": "Short words, one thing at a time.",
    },
    "maria": {
        "contact": {"channels": [Channel.EMAIL], "may_mention_group": True, **WEEKDAY_HOURS},
        "agreement": True,
    },
    "jade": {"contact": {"channels": [Channel.EMAIL], **WEEKDAY_HOURS}, "stepped_back": True,
             "days_in_group": 90},
    "lou": {
        "contact": {"channels": [Channel.EMAIL, Channel.SMS], "phone": "07700 900456",
                    "voicemail_ok": True, "may_mention_group": True, **WEEKDAY_HOURS},
        "pronouns": "she/her",
        "agreement": True,
        "days_in_group": 730,
    },
    "aisha": {"contact": {"channels": [Channel.EMAIL], **WEEKDAY_HOURS}, "agreement": True,
              "access_needs": ["interpreter"]},
    "bex": {"agreement": "I'd like us to talk about phones in the room."},
    # Kerry said texts are fine any day, at any time: her check-in goes out at once.
    "kerry": {"contact": {"channels": [Channel.SMS], "phone": "07700 900789",
                          "safe_days": list(range(7)), "safe_from": dt.time(0),
                          "safe_until": dt.time(23, 59)}},
}  # fmt: skip

# Check-ins as each chose them (sessions_app.models.CheckInPlan); the rest chose none.
CHECKIN_PLANS = {
    "sam": {"rhythm": "weekly", "channel": Channel.SMS, "weekday": 1, "at_time": dt.time(10)},
    "maria": {"rhythm": "fortnightly", "channel": Channel.EMAIL, "weekday": 2,
              "at_time": dt.time(11)},
    # Precious is reached through Dee, who asks her; she can answer on her home page in the
    # library too, and if she does not, Dee is told.
    "precious": {"rhythm": "weekly", "channel": Channel.SUPPORT_WORKER, "weekday": 3,
                 "at_time": dt.time(12), "if_no_answer": "tell_support_worker",
                 "no_answer_days": 3},
    "kerry": {"rhythm": "weekly", "channel": Channel.SMS, "weekday": 0, "at_time": dt.time(9)},
    "jade": {"rhythm": "weekly", "channel": Channel.EMAIL, "weekday": 0, "at_time": dt.time(9)},
}  # fmt: skip

SUPERUSER = Person("admin", "Operator", "", "admin@example.org", "superuser")


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo organisations, groups and accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        self._user(SUPERUSER)
        accounts = [self._account(SUPERUSER, group_name="")]
        everyone, group_of = {}, {}
        for org_name, spec in GROUPS.items():
            organisation, _ = Organisation.objects.get_or_create(
                name=org_name, defaults={"kind": spec["kind"]}
            )
            group, _ = CoproGroup.objects.get_or_create(
                name=spec["name"], defaults={"member_facing_name": spec["member_facing_name"]}
            )
            group.organisations.add(organisation)
            users = {}
            for person in spec["people"]:
                user = users[person.username] = self._user(person)
                if person.role == "partner_admin":
                    organisation.partner_admins.add(user)
                accounts.append(self._account(person, group_name=group.name))
            self._group_life(group, spec["people"], users)
            everyone.update(users)
            group_of.update(dict.fromkeys(users, group))
        seed_consent(everyone, group_of)
        self._support(everyone)
        seed_sessions(everyone, group_of)

        path = settings.VAR_DIR / "demo-accounts.json"
        path.write_text(json.dumps(accounts, indent=2) + "\n")
        self._print(accounts, path)

    def _group_life(self, group: CoproGroup, people: list[Person], users: dict) -> None:
        """Memberships, profiles, safe contact, support, training and the agreement:
        the moments of PEOPLE.md, made once."""
        today = timezone.localdate()
        now = timezone.now()
        staff = [p for p in people if p.role in ("facilitator", "support_worker")]
        support_worker = next(users[p.username] for p in people if p.role == "support_worker")
        facilitators = [users[p.username] for p in people if p.role == "facilitator"]
        partner_admin = next(users[p.username] for p in people if p.role == "partner_admin")
        if group.safeguarding_lead_id is None:
            group.safeguarding_lead = facilitators[1]
            group.save(update_fields=["safeguarding_lead"])
        for person in staff:
            Membership.objects.get_or_create(
                user=users[person.username],
                group=group,
                role=person.role,
                defaults={"status": Membership.Status.ACTIVE, "joined_at": now},
            )
        for index, user in enumerate(facilitators + [support_worker]):
            for kind in Training.Kind.values:
                if Training.objects.filter(person=user, kind=kind).exists():
                    continue
                # The second facilitator, the group's safeguarding lead, let her safeguarding
                # lapse: the roster warns, and the admin flags it.
                lapsed = index == 1 and kind == Training.Kind.SAFEGUARDING
                services.training_record(
                    person=user,
                    acting_user=partner_admin,
                    kind=kind,
                    completed_on=today - dt.timedelta(days=500 if lapsed else 60),
                    expires_on=today - dt.timedelta(days=135 if lapsed else -670),
                    provider="Riverside training team",
                )
        for person in people:
            if person.role != "member":
                continue
            user = users[person.username]
            spec = MEMBER_DETAILS.get(person.username, {})
            membership, created = Membership.objects.get_or_create(
                user=user,
                group=group,
                role=Membership.Role.MEMBER,
                defaults={
                    "status": Membership.Status.ACTIVE,
                    "joined_at": now - dt.timedelta(days=spec.get("days_in_group", 120)),
                    "support_worker": support_worker if person.username in SUPPORTED else None,
                    "invited_by": facilitators[0],
                },
            )
            if created and spec.get("stepped_back"):
                next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
                membership.status = Membership.Status.STEPPED_BACK
                membership.stepped_back_until = next_month
                membership.save()
            Profile.objects.get_or_create(
                user=user,
                defaults={
                    "preferred_name": person.first_name,
                    "pronouns": spec.get("pronouns", ""),
                    "access_needs": spec.get("access_needs", []),
                    "access_needs_other": spec.get("access_needs_other", ""),
                },
            )
            SafeContactProfile.objects.get_or_create(member=user, defaults=spec.get("contact", {}))
            if person.username in SUPPORTED and not user.support_contacts.exists():
                services.support_contact_add(
                    member=user,
                    acting_user=user,
                    kind=SupportContact.Kind.SUPPORT_WORKER,
                    staff_user=support_worker,
                )
            if "plan" in spec:
                self._plan(user, spec["plan"], reader=support_worker)
        self._agreement(group, facilitators[0], people, users)

    def _support(self, users: dict) -> None:
        """Check-ins and one open support request, so a newcomer meets them at once: with
        `make run`, Sam's check-in of today waits for her Tuesday 10:00, Kerry's (any time)
        appears in var/sms/, Jade's is held while she is on a break, Precious's is Dee's to
        pass on, and Dee has Sam's request to acknowledge."""
        for username, fields in CHECKIN_PLANS.items():
            member = users[username]
            if not CheckInPlan.objects.filter(member=member).exists():
                support.checkin_plan_update(member=member, acting_user=member, **fields)
        now = timezone.now()
        for username in ("sam", "kerry", "jade", "precious"):
            plan = CheckInPlan.objects.get(member=users[username])
            checkin = support.checkin_queue(plan=plan, day=timezone.localdate(), due=now)
            if checkin is not None and username in ("jade", "precious"):
                # Asked now, in the seed's own transaction, as the gate decides: Jade's is
                # held, Precious's becomes a task for Dee.
                outbox.message_deliver(message_id=checkin.message_id, now=now)
        support.support_request_open(member=users["sam"], source=SupportRequest.Source.BUTTON)

    def _plan(self, member, fields: dict, *, reader) -> None:
        """Her plan, in her words, shared with her support worker, who has read it once:
        "who looked" has something to show, written by the audited read itself."""
        plan = SupportPlan.objects.filter(member=member).first()
        if plan is None:
            services.support_plan_save(member=member, acting_user=member, **fields)
            plan = services.support_plan_share(member=member, acting_user=member, readers=[reader])
        looked = AuditEvent.objects.about(member).filter(action="support_plan.view", actor=reader)
        if plan.readers.filter(pk=reader.pk).exists() and not looked.exists():
            services.support_plan_read(plan=plan, viewer=reader)

    def _agreement(self, group, author, people: list[Person], users: dict) -> None:
        version, created = AgreementVersion.objects.get_or_create(
            group=group,
            number=1,
            defaults={
                "text": AGREEMENT,
                "status": AgreementVersion.Status.PUBLISHED,
                "created_by": author,
                "published_at": timezone.now(),
            },
        )
        if not created:
            return
        for person in people:
            answer = MEMBER_DETAILS.get(person.username, {}).get("agreement")
            if person.role == "member" and answer is not None:
                AgreementResponse.objects.create(
                    version=version, member=users[person.username], agrees=answer is True,
                    disagreement="" if answer is True else answer,
                )  # fmt: skip
        draft = AgreementVersion.objects.create(
            group=group,
            number=2,
            text=AGREEMENT + "\n- We take a ten-minute break every hour.",
            created_by=author,
        )
        if "lou" in users:
            AgreementComment.objects.create(
                version=draft,
                author=users["lou"],
                kind=AgreementComment.Kind.PROPOSAL,
                text="Can we say people can leave the room without explaining?",
            )

    def _user(self, person: Person):
        User = get_user_model()
        is_staff_role = person.role != "member"
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "kind": User.Kind.STAFF if is_staff_role else User.Kind.MEMBER,
                "is_staff": person.role in {"partner_admin", "superuser"},
                "is_superuser": person.role == "superuser",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if person.email:
            EmailAddress.objects.get_or_create(
                user=user,
                email=person.email,
                defaults={"verified": True, "primary": True},
            )
        return user

    def _account(self, person: Person, *, group_name: str) -> dict:
        return {
            "email": person.email or None,
            "username": person.username,
            "password": DEMO_PASSWORD,
            "role": person.role,
            "group": group_name,
        }

    def _print(self, accounts: list[dict], path) -> None:
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            login = account["email"] or f"username {account['username']}"
            self.stdout.write(f"  {account['role']:<15} {login:<28} {account['group']}")
        self.stdout.write(f"Written to {path}")
