"""Staff consent pages: each works for the right role, and only for it; then what each
page shows, and what it must never show.

For every view: the right role gets it; an outsider (Tom, a facilitator of another
group; Ruth, a partner admin) gets 404; a member gets 403; a support worker gets 403 on
facilitator-only pages and on members she does not support; the wrong method is
refused; someone not signed in is sent to sign in.

The builders here (`make_world`, `say`, `share`) are used by the other staff test
modules and the browser tests too.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    ConsentText,
    Contribution,
    ErasureRequest,
    Visibility,
)
from coproduction.audit.models import AuditEvent
from coproduction.core.dates import day
from groups.models import Membership
from tests.conftest import ensure_purposes
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory
from tests.groups.staff_data import give_details, give_sam_her_details, member_of

HOW = "At the end of Tuesday's session, when I asked her."
# --- builders ------------------------------------------------------------------------


def purpose(slug: str) -> ConsentPurpose:
    return ConsentPurpose.objects.get(slug=slug)


def say(member, slug: str, answer: str) -> ConsentEvent:
    """She answers in the portal."""
    return services.consent_record(
        member=member, purpose=purpose(slug), answer=answer, acting_user=member
    )


def share(member, group, text: str, visibility: str, kind=Contribution.Kind.QUOTE):
    """She adds a contribution herself and chooses who sees it."""
    return services.contribution_add(
        member=member, group=group, text=text, kind=kind, acting_user=member, visibility=visibility
    )


def make_world() -> SimpleNamespace:
    """The Tuesday group of PEOPLE.md: Helen facilitates, Dee supports Sam, Sam and Maria
    are members, Jade stepped back, Lou left. The Thursday group: Tom facilitates, Aisha
    is a member. Ruth is a partner admin with no group."""
    ensure_purposes()
    group = CoproGroupFactory(name="Primary care access – Tuesday")
    thursday = CoproGroupFactory(
        name="Primary care access – Thursday", member_facing_name="Thursday group"
    )
    helen = StaffFactory(
        username="helen", first_name="Helen", last_name="Ward", email="helen.ward@example.org"
    )
    dee = StaffFactory(
        username="dee", first_name="Dee", last_name="Okafor", email="dee.okafor@example.org"
    )
    tom = StaffFactory(
        username="tom", first_name="Tom", last_name="Reid", email="tom.reid@example.org"
    )
    ruth = StaffFactory(
        username="ruth", first_name="Ruth", last_name="Patel", email="ruth@example.org"
    )
    ruth.is_staff = True
    ruth.save(update_fields=["is_staff"])
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=dee, group=group, role=Membership.Role.SUPPORT_WORKER)
    MembershipFactory(user=tom, group=thursday, role=Membership.Role.FACILITATOR)

    sam = UserFactory(username="sam", first_name="Samantha", email="sam@example.org")
    give_sam_her_details(sam)
    sam_membership = MembershipFactory(user=sam, group=group, support_worker=dee)
    maria = UserFactory(username="maria", first_name="Maria", email="maria@example.org")
    give_details(maria, name="Maria", channels=["email"])
    maria_membership = MembershipFactory(user=maria, group=group)
    jade_membership = member_of(
        group,
        "Jade",
        status=Membership.Status.STEPPED_BACK,
        stepped_back_until=timezone.localdate() + dt.timedelta(days=20),
    )
    lou_membership = member_of(group, "Lou", status=Membership.Status.LEFT)
    aisha = UserFactory(username="aisha", first_name="Aisha", email="aisha@example.org")
    aisha_membership = MembershipFactory(user=aisha, group=thursday)
    return SimpleNamespace(
        group=group,
        thursday=thursday,
        helen=helen,
        dee=dee,
        tom=tom,
        ruth=ruth,
        sam=sam,
        maria=maria,
        jade=jade_membership.user,
        lou=lou_membership.user,
        aisha=aisha,
        sam_membership=sam_membership,
        maria_membership=maria_membership,
        jade_membership=jade_membership,
        lou_membership=lou_membership,
        aisha_membership=aisha_membership,
    )


@pytest.fixture
def world(db):
    """The world, with Maria's request to erase her data waiting."""
    w = make_world()
    w.maria_erasure = services.erasure_request(member=w.maria, acting_user=w.maria)
    return w


def url_for(name: str, w: SimpleNamespace, *, member: str = "sam") -> str:
    group = w.group.pk
    membership = getattr(w, f"{member}_membership").pk
    return {
        "group_choices": reverse("consent:group_choices", args=[group]),
        "member_choices": reverse("consent:member_choices", args=[group, membership]),
        "record_answer": reverse("consent:member_choices", args=[group, membership]),
        "member_choice_history": reverse("consent:member_choice_history", args=[group, membership]),
        "member_contribution_add": reverse(
            "consent:member_contribution_add", args=[group, membership]
        ),
        "save_contribution": reverse("consent:member_contribution_add", args=[group, membership]),
        "group_contributions": reverse("consent:group_contributions", args=[group]),
        "outputs_export": reverse("consent:outputs_export", args=[group]),
        "erasure_requests": reverse("consent:erasure_requests", args=[group]),
        "erasure_confirm": reverse("consent:erasure_confirm", args=[group, w.maria_erasure.pk]),
    }[name]


ALL_VIEWS = [
    "group_choices",
    "member_choices",
    "record_answer",
    "member_choice_history",
    "member_contribution_add",
    "save_contribution",
    "group_contributions",
    "outputs_export",
    "erasure_requests",
    "erasure_confirm",
]
FACILITATOR_ONLY = [
    "record_answer",
    "member_choice_history",
    "member_contribution_add",
    "save_contribution",
    "outputs_export",
    "erasure_requests",
    "erasure_confirm",
]
POST_ONLY = {"record_answer", "save_contribution", "erasure_confirm"}
MEMBER_VIEWS = [
    "member_choices",
    "record_answer",
    "member_choice_history",
    "member_contribution_add",
    "save_contribution",
]
VALID_ANSWER = {
    "purpose": "photos",
    "answer": Answer.YES,
    "method": ConsentEvent.Method.IN_PERSON,
    "how_she_told_us": HOW,
}
VALID_CONTRIBUTION = {"kind": "idea", "text": "Text reminders a day before.", "she_agreed": "on"}
POSTED = {
    "record_answer": VALID_ANSWER,
    "save_contribution": VALID_CONTRIBUTION,
    "erasure_confirm": {"kept_for_legal_reasons": ""},
}


def visit(client, name: str, url: str):
    if name in POST_ONLY:
        return client.post(url, POSTED.get(name, {}))
    return client.get(url)


def nothing_changed(w, *, audit_before: int) -> None:
    """A refused request recorded no answer, contribution or erasure, and looked at nothing."""
    assert not ConsentEvent.objects.filter(method=ConsentEvent.Method.IN_PERSON).exists()
    assert not Contribution.objects.exists()
    w.maria_erasure.refresh_from_db()
    assert w.maria_erasure.status == ErasureRequest.Status.REQUESTED
    assert AuditEvent.objects.count() == audit_before


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("group_choices", "helen"),
        ("group_choices", "dee"),
        ("member_choices", "helen"),
        ("member_choices", "dee"),
        ("member_choice_history", "helen"),
        ("member_contribution_add", "helen"),
        ("group_contributions", "helen"),
        ("group_contributions", "dee"),
        ("erasure_requests", "helen"),
    ],
)
def test_the_right_role_gets_the_page(client, world, name, who):
    client.force_login(getattr(world, who))
    response = client.get(url_for(name, world))
    assert response.status_code == 200
    assert "base_staff.html" in [t.name for t in response.templates]
    assert "groups/staff/base_group.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    ("name", "then"),
    [
        ("record_answer", "member_choices"),
        ("save_contribution", "member_contribution_add"),
        ("erasure_confirm", "erasure_requests"),
    ],
)
def test_a_facilitator_can_post(client, world, name, then):
    client.force_login(world.helen)
    response = visit(client, name, url_for(name, world))
    assert response.status_code == 302
    assert response["Location"] == url_for(then, world)


def test_a_facilitator_can_export(client, world):
    client.force_login(world.helen)
    response = client.get(url_for("outputs_export", world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("who", ["tom", "ruth"])
@pytest.mark.parametrize("name", ALL_VIEWS)
def test_an_outsider_gets_404(client, world, name, who):
    before = AuditEvent.objects.count()
    client.force_login(getattr(world, who))
    assert visit(client, name, url_for(name, world)).status_code == 404
    nothing_changed(world, audit_before=before)


@pytest.mark.parametrize("who", ["sam", "maria", "aisha"])
@pytest.mark.parametrize("name", ALL_VIEWS)
def test_a_member_gets_403(client, world, name, who):
    before = AuditEvent.objects.count()
    client.force_login(getattr(world, who))
    assert visit(client, name, url_for(name, world)).status_code == 403
    nothing_changed(world, audit_before=before)


@pytest.mark.parametrize("name", FACILITATOR_ONLY)
def test_a_support_worker_gets_403_on_facilitator_pages(client, world, name):
    before = AuditEvent.objects.count()
    client.force_login(world.dee)
    assert visit(client, name, url_for(name, world)).status_code == 403
    nothing_changed(world, audit_before=before)


@pytest.mark.parametrize("name", MEMBER_VIEWS)
def test_dee_gets_403_for_a_member_she_does_not_support(client, world, name):
    before = AuditEvent.objects.count()
    client.force_login(world.dee)
    assert visit(client, name, url_for(name, world, member="maria")).status_code == 403
    nothing_changed(world, audit_before=before)


def test_a_support_worker_who_left_the_group_is_an_outsider(client, world):
    Membership.objects.filter(user=world.dee, group=world.group).update(
        status=Membership.Status.LEFT
    )
    client.force_login(world.dee)
    assert client.get(url_for("group_choices", world)).status_code == 404
    assert client.get(url_for("member_choices", world)).status_code == 404
    assert client.get(url_for("group_contributions", world)).status_code == 404


def test_an_invited_facilitator_is_not_in_yet(client, world):
    Membership.objects.create(
        user=world.tom, group=world.group, role="facilitator", status=Membership.Status.INVITED
    )
    client.force_login(world.tom)
    assert client.get(url_for("group_choices", world)).status_code == 404
    assert client.get(url_for("erasure_requests", world)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("group_choices", "post"),
        ("member_choices", "put"),
        ("member_choices", "delete"),
        ("member_choice_history", "post"),
        ("member_contribution_add", "put"),
        ("member_contribution_add", "patch"),
        ("group_contributions", "post"),
        ("outputs_export", "post"),
        ("erasure_requests", "post"),
        ("erasure_confirm", "get"),
        ("erasure_confirm", "put"),
    ],
)
def test_the_wrong_method_is_refused(client, world, name, method):
    before = AuditEvent.objects.count()
    client.force_login(world.helen)
    assert getattr(client, method)(url_for(name, world)).status_code == 405
    nothing_changed(world, audit_before=before)


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_someone_not_signed_in_is_sent_to_sign_in(client, world, name):
    response = visit(client, name, url_for(name, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    nothing_changed(world, audit_before=AuditEvent.objects.count())


@pytest.mark.parametrize("name", MEMBER_VIEWS)
def test_a_membership_of_another_group_is_404_through_this_group(client, world, name):
    client.force_login(world.helen)
    assert visit(client, name, url_for(name, world, member="aisha")).status_code == 404


@pytest.mark.parametrize("name", MEMBER_VIEWS)
def test_tom_cannot_reach_sam_through_his_own_group(client, world, name):
    client.force_login(world.tom)
    url = url_for(name, world).replace(
        f"/groups/{world.group.pk}/", f"/groups/{world.thursday.pk}/"
    )
    assert visit(client, name, url).status_code == 404


def test_a_staff_membership_is_not_a_member_page(client, world):
    client.force_login(world.helen)
    dee_membership = Membership.objects.get(user=world.dee, group=world.group)
    url = reverse("consent:member_choices", args=[world.group.pk, dee_membership.pk])
    assert client.get(url).status_code == 404


def test_ids_that_do_not_exist_are_404(client, world):
    client.force_login(world.helen)
    assert client.get(reverse("consent:group_choices", args=[999999])).status_code == 404
    url = reverse("consent:member_choices", args=[world.group.pk, 999999])
    assert client.get(url).status_code == 404
    url = reverse("consent:erasure_confirm", args=[world.group.pk, 999999])
    assert client.post(url).status_code == 404


def test_refusals_reveal_nothing(client, world):
    say(world.sam, "photos", Answer.YES)
    share(world.sam, world.group, "Reception should not shout names.", Visibility.FACILITATORS)
    client.force_login(world.tom)
    for name in ("group_choices", "member_choices", "group_contributions", "erasure_requests"):
        page = client.get(url_for(name, world)).content.decode()
        assert "Sam" not in page and "Reception" not in page and "Maria" not in page
    client.force_login(world.dee)
    page = client.get(url_for("member_choices", world, member="maria")).content.decode()
    assert "Maria" not in page


# --- the group's answers -------------------------------------------------------------


@pytest.fixture
def answered(world):
    """Sam and Maria agreed to photos, Jade asked to be asked each time; Lou (who left)
    said yes to everything; Maria agreed to named credit."""
    say(world.sam, "photos", Answer.YES)
    say(world.maria, "photos", Answer.YES)
    say(world.maria, "named_credit", Answer.YES)
    say(world.jade, "photos", Answer.ASK)
    for slug in ensure_purposes():
        say(world.lou, slug, Answer.YES)
    return world


def count_for(response, slug: str):
    return next(c for c in response.context["counts"] if c.purpose.slug == slug)


def test_group_choices_counts_for_planning(client, answered):
    client.force_login(answered.helen)
    response = client.get(url_for("group_choices", answered))
    page = response.content.decode()
    assert "2 members agreed to be photographed." in page
    assert "1 asked to be asked each time." in page
    assert "1 member agreed to be thanked by name in reports." in page
    assert "0 members agreed to be recorded." in page
    photos = count_for(response, "photos")
    assert (photos.yes, photos.ask, photos.no) == (2, 1, 0)
    assert count_for(response, "take_part").no == 3


def test_group_choices_table_has_every_current_member_and_her_answers(client, answered):
    client.force_login(answered.helen)
    response = client.get(url_for("group_choices", answered))
    rows = {row.name: row for row in response.context["rows"]}
    assert set(rows) == {"Sam", "Maria", "Jade"}  # Lou left; the name she chose, not "Samantha"
    slugs = [c.purpose.slug for c in response.context["counts"]]
    photos = slugs.index("photos")
    assert rows["Sam"].answers[photos] == "Yes"
    assert rows["Jade"].answers[photos] == "Ask me each time"
    assert rows["Sam"].answers[slugs.index("recordings")] == "No"
    assert "Stepped back" in rows["Jade"].status
    page = response.content.decode()
    assert url_for("member_choices", answered) in page
    assert "Lou" not in page


def test_dee_sees_and_counts_only_the_members_she_supports(client, answered):
    client.force_login(answered.dee)
    response = client.get(url_for("group_choices", answered))
    assert [row.name for row in response.context["rows"]] == ["Sam"]
    page = response.content.decode()
    assert "1 member agreed to be photographed." in page
    assert "Maria" not in page and "Jade" not in page
    assert "0 members agreed to be thanked by name" in page  # Maria's yes is not counted


def test_group_choices_shows_a_change_at_once(client, answered):
    client.force_login(answered.helen)
    say(answered.sam, "photos", Answer.NO)
    response = client.get(url_for("group_choices", answered))
    assert "1 member agreed to be photographed." in response.content.decode()


def test_group_choices_with_nobody_to_show(client, world):
    Membership.objects.filter(user=world.sam).update(support_worker=None)
    client.force_login(world.dee)
    page = client.get(url_for("group_choices", world)).content.decode()
    assert "You are not named as support worker for any current member" in page


def test_the_group_nav_links_the_consent_pages_by_role(client, world):
    client.force_login(world.helen)
    page = client.get(reverse("groups:roster", args=[world.group.pk])).content.decode()
    for name in ("group_choices", "group_contributions", "erasure_requests"):
        assert url_for(name, world) in page
    client.force_login(world.dee)
    page = client.get(reverse("groups:roster", args=[world.group.pk])).content.decode()
    assert url_for("group_choices", world) in page
    assert url_for("erasure_requests", world) not in page


def test_member_detail_links_her_sharing_choices(client, world):
    client.force_login(world.helen)
    url = reverse("groups:member_detail", args=[world.group.pk, world.sam_membership.pk])
    page = client.get(url).content.decode()
    assert url_for("member_choices", world) in page
    assert url_for("member_contribution_add", world) in page
    client.force_login(world.dee)
    page = client.get(url).content.decode()
    assert url_for("member_choices", world) in page
    assert url_for("member_contribution_add", world) not in page


# --- one member's answers ------------------------------------------------------------


def test_member_choices_shows_her_answers_now(client, world):
    say(world.sam, "photos", Answer.YES)
    say(world.sam, "photos", Answer.NO)
    say(world.sam, "recordings", Answer.ASK)
    client.force_login(world.helen)
    response = client.get(url_for("member_choices", world))
    answers = {choice.purpose.slug: label for choice, label in response.context["choices"]}
    assert answers["photos"] == "No"
    assert answers["recordings"] == "Ask me each time"
    assert answers["named_credit"] == "No"
    page = response.content.decode()
    assert "May we take photos with you in them?" in page
    assert "Not answered yet" in page
    assert "Record an answer she gave you" in page


def test_member_choices_offers_no_portal_method_to_staff(client, world):
    client.force_login(world.helen)
    form = client.get(url_for("member_choices", world)).context["form"]
    methods = [value for value, _ in form.fields["method"].choices]
    assert methods == ["paper", "in_person", "phone"]


def test_dee_reads_her_members_answers_but_cannot_record(client, world):
    client.force_login(world.dee)
    response = client.get(url_for("member_choices", world))
    assert response.context["form"] is None
    page = response.content.decode()
    assert "Record an answer" not in page
    assert url_for("member_choice_history", world) not in page


def test_no_answer_can_be_recorded_for_someone_who_left(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("member_choices", world, member="lou")).content.decode()
    assert "She is no longer in the group" in page
    assert "Record her answer" not in page


def test_a_new_wording_is_flagged_on_her_page(client, world):
    say(world.sam, "photos", Answer.YES)
    ConsentText.objects.create(
        purpose=purpose("photos"), version=2, question="Photos, again?", explanation="New."
    )
    client.force_login(world.helen)
    page = client.get(url_for("member_choices", world)).content.decode()
    assert "Photos, again?" in page
    assert "wording changed since she answered" in page


# --- her history ---------------------------------------------------------------------


def history_views(w) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="consent.history_view"))


def test_every_look_at_her_history_is_recorded(client, world):
    client.force_login(world.helen)
    client.get(url_for("member_choice_history", world))
    client.get(url_for("member_choice_history", world) + "?page=2")
    views = history_views(world)
    assert len(views) == 2
    for view in views:
        assert view.actor == world.helen
        assert view.subject_user == world.sam
        assert view.subject_type == "groups.membership"
        assert view.subject_id == str(world.sam_membership.pk)


def test_history_shows_who_recorded_each_answer_and_how(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        say(world.sam, "photos", Answer.YES)
    with time_machine.travel(dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC), tick=False):
        services.consent_record(
            member=world.sam,
            purpose=purpose("photos"),
            answer=Answer.NO,
            acting_user=world.helen,
            method=ConsentEvent.Method.PHONE,
            how_she_told_us=HOW,
        )
    client.force_login(world.helen)
    response = client.get(url_for("member_choice_history", world))
    first, second = response.context["rows"]  # newest first
    assert (first.answer, first.who, first.how) == ("No", "Helen Ward, for her", "On the phone")
    assert first.how_she_told_us == HOW
    assert (second.answer, second.who, second.how) == ("Yes", "Sam", "In the portal")
    assert second.how_she_told_us == ""
    page = response.content.decode()
    assert HOW.replace("'", "&#x27;") in page
    assert f"{day(dt.date(2026, 3, 10), short=True)}, 11:30" in page
    assert f"{day(dt.date(2026, 3, 3), short=True)}, 10:00" in page


def test_history_note_is_stored_encrypted_under_her_key(client, world):
    services.consent_record(
        member=world.sam,
        purpose=purpose("photos"),
        answer=Answer.YES,
        acting_user=world.helen,
        method=ConsentEvent.Method.PAPER,
        how_she_told_us=HOW,
    )
    stored = ConsentEvent.objects.filter(member=world.sam).values_list("how_she_told_us", flat=True)
    assert stored[0].startswith("dk:")
    assert HOW not in stored[0]


def test_history_is_paginated_50_to_a_page(client, world):
    photos = purpose("photos")
    text = photos.texts.get()
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(
                member=world.sam,
                purpose=photos,
                text=text,
                answer=[Answer.YES, Answer.NO][i % 2],
                recorded_by=world.sam,
            )
            for i in range(60)
        ]
    )
    client.force_login(world.helen)
    response = client.get(url_for("member_choice_history", world))
    assert len(response.context["rows"]) == 50
    assert "Page 1 of 2" in response.content.decode()
    response = client.get(url_for("member_choice_history", world) + "?page=2")
    assert len(response.context["rows"]) == 10
    response = client.get(url_for("member_choice_history", world) + "?page=nonsense")
    assert response.context["page"].number == 1


def test_history_with_no_answers(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("member_choice_history", world)).content.decode()
    assert "She has not answered anything yet" in page
    assert len(history_views(world)) == 1


# --- contributions -------------------------------------------------------------------


@pytest.fixture
def shared(world):
    """One of Sam's contributions at each visibility, and one of Aisha's (Thursday)."""
    for visibility in Visibility.values:
        share(world.sam, world.group, f"Sam for {visibility}.", visibility)
    share(world.aisha, world.thursday, "Aisha for the group.", Visibility.GROUP)
    return world


def test_contributions_show_what_she_shared_with_facilitators_never_only_me(client, shared):
    client.force_login(shared.helen)
    response = client.get(url_for("group_contributions", shared))
    texts = {row.text for row in response.context["rows"]}
    assert texts == {
        "Sam for facilitators.",
        "Sam for group.",
        "Sam for anonymised.",
        "Sam for credited.",
    }
    page = response.content.decode()
    assert "Sam for only_me." not in page
    assert "Aisha" not in page
    assert {row.name for row in response.context["rows"]} == {"Sam"}


def test_contributions_say_how_each_may_appear_in_reports(client, shared):
    client.force_login(shared.helen)

    def in_reports():
        rows = client.get(url_for("group_contributions", shared)).context["rows"]
        return {row.text: row.in_reports for row in rows}

    assert in_reports() == {
        "Sam for facilitators.": "Not in reports",
        "Sam for group.": "Not in reports",
        "Sam for anonymised.": "Not in reports (she has not agreed to be quoted)",
        "Sam for credited.": "Not in reports (she has not agreed to be quoted)",
    }
    say(shared.sam, "anonymous_quotes", Answer.YES)
    assert in_reports() == {
        "Sam for facilitators.": "Not in reports",
        "Sam for group.": "Not in reports",
        "Sam for anonymised.": "Without her name",
        "Sam for credited.": "Without her name (she has not agreed to be named)",
    }
    say(shared.sam, "named_credit", Answer.YES)
    assert in_reports()["Sam for credited."] == "With her name"
    say(shared.sam, "anonymous_quotes", Answer.NO)
    assert in_reports()["Sam for anonymised."] == "Not in reports (she has not agreed to be quoted)"


def test_who_sees_it_says_what_the_export_does_after_she_withdraws(client, shared):
    """Rule 2 everywhere at once: once Sam withdraws her yes to quotes, the table no
    longer says "reports without her name" beside "Not in reports"."""
    client.force_login(shared.helen)

    def table():
        rows = client.get(url_for("group_contributions", shared)).context["rows"]
        return {row.text: row.seen_by for row in rows}

    def exported():
        response = client.get(url_for("outputs_export", shared))
        return {line.split(",")[0] for line in response.content.decode().splitlines()[1:]}

    say(shared.sam, "anonymous_quotes", Answer.YES)
    assert table() == {
        "Sam for facilitators.": "The facilitators",
        "Sam for group.": "The group",
        "Sam for anonymised.": "The group, and reports without her name",
        "Sam for credited.": "The group, and reports without her name",
    }
    assert exported() == {"Sam for anonymised.", "Sam for credited."}

    say(shared.sam, "named_credit", Answer.YES)
    assert table()["Sam for credited."] == "The group, and reports with her name"

    say(shared.sam, "anonymous_quotes", Answer.NO)
    say(shared.sam, "named_credit", Answer.NO)
    assert exported() == set()
    assert set(table().values()) == {"The facilitators", "The group"}
    page = client.get(url_for("group_contributions", shared)).content.decode()
    assert "reports without her name" not in page
    assert "reports with her name" not in page


def test_a_contribution_she_makes_private_leaves_the_page_at_once(client, shared):
    client.force_login(shared.helen)
    contribution = Contribution.objects.get(member=shared.sam, visibility=Visibility.GROUP)
    services.contribution_set_visibility(
        contribution=contribution, visibility=Visibility.ONLY_ME, acting_user=shared.sam
    )
    page = client.get(url_for("group_contributions", shared)).content.decode()
    assert "Sam for group." not in page


def test_a_support_worker_sees_no_contributions_she_was_not_given(client, shared):
    """Members share with "the facilitators" or "the group": the policy gives a support
    worker none of them (and tells the member so), so the page shows her none."""
    client.force_login(shared.dee)
    response = client.get(url_for("group_contributions", shared))
    assert response.context["rows"] == []
    page = response.content.decode()
    assert "Sam for" not in page
    assert "Nothing has been shared with you yet." in page
    assert url_for("outputs_export", shared) not in page


def test_contributions_are_paginated(client, world):
    Contribution.objects.bulk_create(
        [
            Contribution(member=world.sam, group=world.group, text=f"Idea {i}", visibility="group")
            for i in range(55)
        ]
    )
    client.force_login(world.helen)
    response = client.get(url_for("group_contributions", world))
    assert len(response.context["rows"]) == 50
    response = client.get(url_for("group_contributions", world) + "?page=2")
    assert len(response.context["rows"]) == 5


def test_contribution_add_page_says_she_decides(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("member_contribution_add", world)).content.decode()
    assert "She decides who sees it, in her portal." in page
    assert "She agreed that I write this down" in page


# --- erasure requests ------------------------------------------------------------------


def test_waiting_requests_show_when_they_happen(client, db):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        w = make_world()
        services.erasure_request(member=w.sam, acting_user=w.sam)
    client.force_login(w.helen)
    response = client.get(reverse("consent:erasure_requests", args=[w.group.pk]))
    page = response.content.decode()
    assert (
        f"Asked on {day(dt.date(2026, 3, 1))}. "
        f"Happens on {day(dt.date(2026, 3, 15))} unless you confirm sooner." in page
    )
    assert "Request" in page and "Sam" in page
    assert "She will see this." in page


def test_requests_of_other_groups_and_of_members_who_left_are_not_listed(client, world):
    services.erasure_request(member=world.aisha, acting_user=world.aisha)
    services.erasure_request(member=world.lou, acting_user=world.lou)
    client.force_login(world.helen)
    response = client.get(url_for("erasure_requests", world))
    assert [row.request.pk for row in response.context["pending"]] == [world.maria_erasure.pk]
    page = response.content.decode()
    assert "Aisha" not in page and "Lou" not in page


def test_withdrawn_requests_are_not_listed(client, world):
    services.erasure_withdraw(erasure=world.maria_erasure, acting_user=world.maria)
    client.force_login(world.helen)
    response = client.get(url_for("erasure_requests", world))
    assert response.context["pending"] == []
    assert "No requests are waiting." in response.content.decode()
