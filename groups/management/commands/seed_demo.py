"""Demo data: the people of ../shared/PEOPLE.md in two groups of two organisations.

Safe to run again: every row is found by a natural key before it is made, and
passwords are set only when an account is first created.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from groups.models import CoproGroup, Membership, Organisation

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
SUPERUSER = Person("admin", "Operator", "", "admin@example.org", "superuser")


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo organisations, groups and accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        self._user(SUPERUSER)
        accounts = [self._account(SUPERUSER, group_name="")]
        for org_name, spec in GROUPS.items():
            organisation, _ = Organisation.objects.get_or_create(
                name=org_name, defaults={"kind": spec["kind"]}
            )
            group, _ = CoproGroup.objects.get_or_create(
                name=spec["name"], defaults={"member_facing_name": spec["member_facing_name"]}
            )
            group.organisations.add(organisation)
            for person in spec["people"]:
                user = self._user(person)
                if person.role == "partner_admin":
                    organisation.partner_admins.add(user)
                else:
                    Membership.objects.get_or_create(
                        user=user,
                        group=group,
                        role=person.role,
                        defaults={"status": Membership.Status.ACTIVE},
                    )
                accounts.append(self._account(person, group_name=group.name))

        path = settings.VAR_DIR / "demo-accounts.json"
        path.write_text(json.dumps(accounts, indent=2) + "\n")
        self._print(accounts, path)

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
