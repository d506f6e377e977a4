"""seed_demo makes the people of PEOPLE.md, and running it again changes nothing."""

from __future__ import annotations

import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from coproduction.accounts.models import User
from groups.models import CoproGroup, Membership, Organisation


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


ROLES = {"member", "facilitator", "support_worker", "partner_admin", "superuser"}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        CoproGroup.objects.count(),
        Membership.objects.count(),
    )


def test_two_organisations_each_with_a_group_of_the_right_shape(db):
    seed()
    assert set(Organisation.objects.values_list("kind", flat=True)) == {"charity", "university"}
    for group in CoproGroup.objects.all():
        roles = list(group.memberships.values_list("role", flat=True))
        assert roles.count("facilitator") == 2
        assert roles.count("support_worker") == 1
        assert roles.count("member") == 6
        assert group.organisations.get().partner_admins.count() == 1


def test_running_twice_makes_nothing_new(db):
    seed()
    first = counts()
    password_hash = User.objects.get(username="sam").password
    seed()
    assert counts() == first
    assert User.objects.get(username="sam").password == password_hash


def test_accounts_file_lists_every_account_with_a_working_password(client, db):
    output = seed()
    accounts = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())
    assert len(accounts) == User.objects.count() == 21
    assert {a["role"] for a in accounts} == ROLES
    for account in accounts:
        assert set(account) >= {"email", "password", "role", "group"}
        login = account["email"] or account["username"]
        assert login in output
        user = User.objects.get(username=account["username"])
        assert user.check_password(account["password"]), login
        assert user.is_member == (account["role"] == "member")


def test_the_people_of_people_md_are_there(db):
    seed()
    helen = User.objects.get(email="helen.ward@example.org")
    assert helen.memberships.get().role == "facilitator"
    assert User.objects.get(username="precious").email == ""  # reached through Dee
    ruth = User.objects.get(username="ruth")
    assert ruth.is_staff and not ruth.is_superuser
    tom = User.objects.get(username="tom")
    assert tom.memberships.get().group != helen.memberships.get().group


def test_member_facing_group_names_are_neutral(db):
    seed()
    for name in CoproGroup.objects.values_list("member_facing_name", flat=True):
        for word in ("trauma", "charity", "health", "care", "research"):
            assert word not in name.lower()


def test_demo_member_can_sign_in_by_password(client, db):
    seed()
    response = client.post(
        "/accounts/login/", {"login": "maria@example.org", "password": "hearth-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/my/"


def test_the_moments_of_people_md_are_ready(db):
    import datetime as dt

    from groups.contact import may_contact
    from groups.models import AgreementVersion, SupportPlan, Training

    seed()
    sam = User.objects.get(username="sam")
    saturday = dt.datetime(2026, 11, 28, 11, tzinfo=dt.UTC)
    decision = may_contact(sam, channel="sms", at=saturday)
    assert decision.should_wait and decision.next_window.weekday() == 1
    assert sam.safe_contact.sender_name == "Jo"
    plan = SupportPlan.objects.get(member=sam)
    assert [r.username for r in plan.readers.all()] == ["dee"]
    precious = User.objects.get(username="precious")
    assert precious.safe_contact.channels == ["support_worker"]
    assert precious.memberships.get().support_worker.username == "dee"
    jade = User.objects.get(username="jade").memberships.get()
    assert jade.is_stepped_back and jade.stepped_back_until.day == 1
    amira = User.objects.get(username="amira")
    helen = User.objects.get(username="helen")
    lacking = Training.objects.missing_for([amira.pk, helen.pk])
    assert lacking == {amira.pk: {"safeguarding"}, helen.pk: set()}
    tuesday = helen.memberships.get().group
    published = tuesday.agreements.get(status=AgreementVersion.Status.PUBLISHED)
    assert published.responses.filter(agrees=True).count() == 3
    assert tuesday.agreements.get(number=2).comments.get().author.username == "lou"


def test_running_twice_adds_no_groups_data(db):
    from groups.models import (
        AgreementComment,
        AgreementResponse,
        AgreementVersion,
        Profile,
        SafeContactProfile,
        SupportContact,
        SupportPlan,
        Training,
    )

    models = [
        AgreementComment, AgreementResponse, AgreementVersion, Profile, SafeContactProfile,
        SupportContact, SupportPlan, Training,
    ]  # fmt: skip
    seed()
    first = [m.objects.count() for m in models]
    seed()
    assert [m.objects.count() for m in models] == first


def test_consent_answers_and_contributions_are_seeded_once(db):
    from consent import policy
    from consent.models import ConsentEvent, Contribution

    seed()
    events, contributions = ConsentEvent.objects.count(), Contribution.objects.count()
    seed()
    assert (ConsentEvent.objects.count(), Contribution.objects.count()) == (events, contributions)
    sam = User.objects.get(username="sam")
    mine = policy.answers([sam.pk])[sam.pk]
    assert mine["anonymous_quotes"] == "yes" and mine["photos"] == "no"
    precious = User.objects.get(username="precious")
    on_behalf = ConsentEvent.objects.get(member=precious)
    assert on_behalf.on_behalf and on_behalf.recorded_by.username == "helen"
    tuesday = sam.memberships.get().group
    quotes = policy.output_quotes(tuesday)
    assert {q["credit"] for q in quotes} == {"", "Maria", "Lou"}


# --- the moments of issue 7, ready in the demo ---------------------------------------


def test_dee_supports_sam_and_precious_only(db):
    from groups.models import SupportContact

    seed()
    dee = User.objects.get(username="dee")
    supported = Membership.objects.filter(support_worker=dee).values_list("user__username")
    assert {name for (name,) in supported} == {"sam", "precious"}
    contacts = SupportContact.objects.filter(staff_user=dee).values_list("member__username")
    assert {name for (name,) in contacts} == {"sam", "precious"}


def test_who_looked_already_shows_dees_view_of_sams_plan(client, db):
    from django.urls import reverse

    from coproduction.audit.models import AuditEvent

    seed()
    seed()
    sam, dee = User.objects.get(username="sam"), User.objects.get(username="dee")
    looked = AuditEvent.objects.about(sam).filter(action="support_plan.view")
    assert [event.actor for event in looked] == [dee]  # the audited read, once
    client.force_login(sam)
    page = client.get(reverse("groups:my_support_plan_views")).content.decode()
    assert "Dee Okafor" in page


def test_ruth_sees_her_organisations_training_records_by_person(client, db):
    from django.urls import reverse

    seed()
    client.force_login(User.objects.get(username="ruth"))
    response = client.get(reverse("admin:groups_training_changelist"))
    people = {record.person.get_full_name() for record in response.context["cl"].result_list}
    assert people == {"Helen Ward", "Amira Khan", "Dee Okafor"}
    listing = response.content.decode()
    for name in people:
        assert f">{name}</a></th>" in listing
    amira = User.objects.get(username="amira")
    hers = client.get(reverse("admin:groups_training_changelist"), {"person": amira.pk})
    assert {record.person for record in hers.context["cl"].result_list} == {amira}


def test_a_safeguarding_lead_whose_training_lapsed_is_flagged_on_roster_and_in_admin(
    client, db, settings
):
    from django.urls import reverse

    settings.HEARTH_REQUIRE_MFA = False
    seed()
    amira = User.objects.get(username="amira")
    tuesday = amira.memberships.get().group
    assert tuesday.safeguarding_lead == amira
    client.force_login(User.objects.get(username="helen"))
    roster = client.get(reverse("groups:roster", args=[tuesday.pk]))
    # Roster rows carry what the page shows, her name, not her membership.
    amiras_row = next(row for row in roster.context["staff_rows"] if row.name == "Amira Khan")
    assert "Safeguarding" in amiras_row.warning
    assert amiras_row.warning in roster.content.decode()

    client.force_login(User.objects.get(username="ruth"))
    lapsed = client.get(reverse("admin:groups_training_changelist"), {"lapsed": "yes"})
    assert [(r.person, r.kind) for r in lapsed.context["cl"].result_list] == [
        (amira, "safeguarding")
    ]
    assert "Lapsed on" in lapsed.content.decode()
    groups = client.get(reverse("admin:groups_coprogroup_changelist")).content.decode()
    assert "Amira Khan – safeguarding training lapsed" in groups


def test_running_again_another_day_adds_no_training_records(db):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from groups.models import Training

    seed()
    first = Training.objects.count()
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        seed()
    assert Training.objects.count() == first


def test_the_calendar_holds_the_moments_of_maria_and_lou(db, client):
    """A fortnightly series with past dates held (who came, shared notes) and coming ones
    with their plans and content notes; one date moved from Tuesday to Wednesday, which
    Maria was told of and sees marked changed; Lou's proposal done, with its date."""
    from sessions_app.models import (
        Attendance,
        GroupSession,
        ServiceChange,
        SessionChange,
        SessionNote,
        SessionSeries,
    )

    seed()
    tuesday = CoproGroup.objects.get(member_facing_name="Tuesday group")
    series = SessionSeries.objects.get(group=tuesday)
    assert series.rule.startswith("FREQ=WEEKLY;INTERVAL=2")
    sessions = list(GroupSession.objects.filter(series=series).order_by("occurrence"))
    held = [s for s in sessions if s.status == GroupSession.Status.HELD]
    assert len(held) == 4
    assert all(SessionNote.objects.get(session=s).status == "shared" for s in held)
    assert Attendance.objects.filter(session__in=held, came=True, hours__gt=0).exists()
    coming = [s for s in sessions if s.status != GroupSession.Status.HELD]
    assert any(item.content_notes for s in coming for item in s.agenda.all())
    moved = SessionChange.objects.get(session__group=tuesday, what=["time"]).session
    moved_to = moved.starts_at.astimezone(ZoneInfo(moved.time_zone))
    assert (moved.occurrence.weekday(), moved_to.weekday()) == (1, 2)
    lou_change = ServiceChange.objects.get(group=tuesday, status=ServiceChange.Status.DONE)
    assert lou_change.done_on is not None and "Surgery" in lou_change.made_by
    assert lou_change.contributions.filter(member__username="lou").exists()
    maria = User.objects.get(username="maria")
    client.force_login(maria)
    page = client.get("/my/sessions/").content.decode()
    assert "Changed" in page and "Wednesday" in page
    counted = GroupSession.objects.count()
    seed()
    assert GroupSession.objects.count() == counted
