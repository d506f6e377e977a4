"""Session notes: written by a facilitator, checked by a second one or a members'
representative, then shared; each member reads exactly what `consent.policy` lets her
read, and her own words. Every service rule, every page and each role."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent.models import Contribution, Visibility
from consent.services import contribution_set_visibility
from coproduction.audit.models import AuditEvent
from groups.models import Membership
from sessions_app.models import GroupSession, SessionNote
from sessions_app.services import notes
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Wednesday evening, eight days after the Tuesday date the notes are about.
NOW = dt.datetime(2027, 1, 20, 19, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _an_evening_in_january():
    with time_machine.travel(NOW, tick=False):
        yield


def a_date(group, *, day=dt.date(2027, 1, 12), status=GroupSession.Status.HELD, **extra):
    start = dt.datetime.combine(day, dt.time(10, 30), tzinfo=LONDON)
    return GroupSession.objects.create(
        group=group, starts_at=start, ends_at=start + dt.timedelta(hours=2), status=status,
        address="12 Mill Lane", **extra,
    )  # fmt: skip


@pytest.fixture
def held(tuesday_group, helen, helen_fac):
    session = a_date(tuesday_group)
    session.facilitators.add(helen)
    return session


@pytest.fixture
def priya(tuesday_group):
    """Helen's co-facilitator in the Tuesday group."""
    user = StaffFactory(username="priya", first_name="Priya", last_name="Shah")
    MembershipFactory(user=user, group=tuesday_group, role=Membership.Role.FACILITATOR)
    return user


@pytest.fixture
def lou(tuesday_group):
    """Lou: two years in the group, its members' representative."""
    user = UserFactory(username="lou", first_name="Lou", email="lou@example.org")
    MembershipFactory(
        user=user, group=tuesday_group, role=Membership.Role.MEMBER, represents_members=True
    )
    return user


def said(member, group, text, visibility, kind=Contribution.Kind.IDEA):
    return Contribution.objects.create(
        member=member, group=group, text=text, visibility=visibility, kind=kind
    )


@pytest.fixture
def words(tuesday_group, sam, maria, sam_membership, maria_membership):
    """What Sam and Maria said, each shared as she chose."""
    return {
        "maria_group": said(maria, tuesday_group, "A quiet place to wait.", Visibility.GROUP),
        "maria_only": said(maria, tuesday_group, "My own private thought.", Visibility.ONLY_ME),
        "sam_facilitators": said(
            sam, tuesday_group, "Reception asked me why, loudly.", Visibility.FACILITATORS
        ),
        "sam_anonymised": said(
            sam, tuesday_group, "Text before you call, please.", Visibility.ANONYMISED
        ),
    }


def write(session, user, text="We talked about reception desks.", contributions=()):
    return notes.note_save(
        session=session, acting_user=user, text=text, contributions=list(contributions)
    )


@pytest.fixture
def placed(held, helen, words):
    """A note of the Tuesday date with everything but Maria's private thought in it."""
    return write(
        held,
        helen,
        contributions=[words["maria_group"], words["sam_facilitators"], words["sam_anonymised"]],
    )


def shared_note(session, writer, checker, contributions=()):
    note = write(session, writer, contributions=contributions)
    notes.note_submit(note=note, acting_user=writer)
    notes.note_approve(note=note, acting_user=checker)
    return SessionNote.objects.get(pk=note.pk)


def audits(action):
    return AuditEvent.objects.filter(action=action).count()


# --- note_save -------------------------------------------------------------------------


def test_a_facilitator_writes_a_draft_with_members_words_in_it(held, helen, words):
    note = write(held, helen, contributions=[words["maria_group"], words["sam_facilitators"]])
    note.refresh_from_db()
    assert note.status == SessionNote.Status.DRAFT
    assert note.text == "We talked about reception desks."
    assert note.drafted_by == helen
    assert set(note.contributions.all()) == {words["maria_group"], words["sam_facilitators"]}
    assert audits("session_note.save") == 1


def test_the_same_note_saved_twice_is_one_note_and_one_record(held, helen, words):
    first = write(held, helen, contributions=[words["maria_group"]])
    again = write(held, helen, contributions=[words["maria_group"]])
    assert first.pk == again.pk
    assert SessionNote.objects.count() == 1
    assert audits("session_note.save") == 1


def test_changing_the_words_saves_them(held, helen, placed):
    write(held, helen, text="Reception desks, and waiting rooms.")
    placed.refresh_from_db()
    assert placed.text == "Reception desks, and waiting rooms."
    assert placed.contributions.count() == 0
    assert audits("session_note.save") == 2


@pytest.mark.parametrize("who", ["dee", "sam", "tom"])
def test_only_the_groups_facilitators_write_its_notes(request, held, words, who):
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError, match="Only the group's facilitators"):
        write(held, person)
    assert not SessionNote.objects.exists()


def test_another_groups_words_cannot_be_placed(held, helen, aisha, thursday_group):
    theirs = said(aisha, thursday_group, "Thursday words.", Visibility.GROUP)
    with pytest.raises(ValidationError) as refused:
        write(held, helen, contributions=[theirs])
    assert "Only what this group's members said" in str(refused.value)
    assert not SessionNote.objects.exists()


def test_words_of_someone_who_left_cannot_be_placed(held, helen, words, maria_membership):
    maria_membership.status = Membership.Status.LEFT
    maria_membership.save()
    with pytest.raises(ValidationError, match="Only what this group's members said"):
        write(held, helen, contributions=[words["maria_group"]])


def test_words_she_kept_to_herself_cannot_be_placed(held, helen, words):
    with pytest.raises(ValidationError, match="not shared this with the facilitators"):
        write(held, helen, contributions=[words["maria_only"]])


def test_placed_words_she_later_made_private_stay_when_the_note_is_saved(
    held, helen, maria, words, placed
):
    contribution_set_visibility(
        contribution=words["maria_group"], visibility=Visibility.ONLY_ME, acting_user=maria
    )
    words["maria_group"].refresh_from_db()
    write(held, helen, text="New words.", contributions=list(placed.contributions.all()))
    assert words["maria_group"] in placed.contributions.all()


@pytest.mark.parametrize(
    ("status", "day", "refusal"),
    [
        (GroupSession.Status.CANCELLED, dt.date(2027, 1, 12), "was not held"),
        (GroupSession.Status.DRAFT, dt.date(2027, 1, 12), "was not held"),
        (GroupSession.Status.PUBLISHED, dt.date(2027, 1, 26), "once the date has begun"),
    ],
)
def test_a_date_not_held_has_no_note(tuesday_group, helen, helen_fac, status, day, refusal):
    session = a_date(tuesday_group, day=day, status=status)
    with pytest.raises(ValidationError, match=refusal):
        write(session, helen)


@pytest.mark.parametrize("text", ["", "   ", "x" * (notes.NOTE_MAX + 1)])
def test_a_note_needs_words_and_not_too_many(held, helen, text):
    with pytest.raises(ValidationError) as refused:
        write(held, helen, text=text)
    assert "text" in refused.value.error_dict


def test_editing_a_note_waiting_to_be_checked_makes_it_a_draft_again(held, helen, placed):
    notes.note_submit(note=placed, acting_user=helen)
    write(held, helen, text="Better words.")
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.DRAFT


def test_saving_a_waiting_note_unchanged_leaves_it_waiting(held, helen, placed):
    notes.note_submit(note=placed, acting_user=helen)
    write(held, helen, contributions=list(placed.contributions.all()))
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK


def test_a_shared_note_cannot_be_edited(held, helen, priya):
    note = shared_note(held, helen, priya)
    with pytest.raises(ValidationError, match="shared with members, so it can no longer"):
        write(held, helen, text="Something else.")
    note.refresh_from_db()
    assert note.text == "We talked about reception desks."
    assert note.status == SessionNote.Status.SHARED


def test_whoever_saves_last_is_the_one_who_wrote_it(held, helen, priya, placed):
    write(held, priya, text="Priya's words.")
    placed.refresh_from_db()
    assert placed.drafted_by == priya


# --- note_submit ----------------------------------------------------------------------


def test_a_draft_is_sent_to_be_checked_once(helen, placed):
    assert notes.note_submit(note=placed, acting_user=helen) is True
    assert notes.note_submit(note=placed, acting_user=helen) is False
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK
    assert audits("session_note.submit") == 1


@pytest.mark.parametrize("who", ["dee", "sam", "tom"])
def test_only_facilitators_send_a_note_to_be_checked(request, placed, who):
    with pytest.raises(ValidationError):
        notes.note_submit(note=placed, acting_user=request.getfixturevalue(who))
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.DRAFT


# --- note_approve ---------------------------------------------------------------------


def test_a_second_facilitator_shares_it(helen, priya, placed):
    notes.note_submit(note=placed, acting_user=helen)
    assert notes.note_approve(note=placed, acting_user=priya) is True
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.SHARED
    assert placed.approved_by == priya
    assert placed.shared_at == NOW
    assert audits("session_note.approve") == 1


def test_a_members_representative_shares_it(helen, lou, placed):
    notes.note_submit(note=placed, acting_user=helen)
    assert notes.note_approve(note=placed, acting_user=lou) is True
    placed.refresh_from_db()
    assert placed.approved_by == lou


def test_the_writer_cannot_share_her_own_note_and_is_told_who_can(helen, placed):
    notes.note_submit(note=placed, acting_user=helen)
    with pytest.raises(ValidationError) as refused:
        notes.note_approve(note=placed, acting_user=helen)
    message = " ".join(refused.value.messages)
    assert "another of the group's facilitators" in message
    assert "members' representative" in message
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK


def test_a_member_who_does_not_represent_members_cannot_share_it(helen, sam, placed):
    notes.note_submit(note=placed, acting_user=helen)
    with pytest.raises(ValidationError, match="members' representative"):
        notes.note_approve(note=placed, acting_user=sam)


@pytest.mark.parametrize("status", [Membership.Status.STEPPED_BACK, Membership.Status.LEFT])
def test_a_representative_on_a_break_or_gone_cannot_share_it(helen, lou, placed, status):
    Membership.objects.filter(user=lou).update(status=status)
    notes.note_submit(note=placed, acting_user=helen)
    with pytest.raises(ValidationError):
        notes.note_approve(note=placed, acting_user=lou)


def test_a_representative_of_another_group_cannot_share_it(helen, aisha, placed):
    Membership.objects.filter(user=aisha).update(represents_members=True)
    notes.note_submit(note=placed, acting_user=helen)
    with pytest.raises(ValidationError):
        notes.note_approve(note=placed, acting_user=aisha)


def test_a_draft_is_sent_to_be_checked_before_it_is_shared(priya, placed):
    with pytest.raises(ValidationError, match="send it to be checked first"):
        notes.note_approve(note=placed, acting_user=priya)


def test_sharing_twice_shares_once(helen, priya, lou, placed):
    notes.note_submit(note=placed, acting_user=helen)
    assert notes.note_approve(note=placed, acting_user=priya) is True
    assert notes.note_approve(note=placed, acting_user=lou) is False
    placed.refresh_from_db()
    assert placed.approved_by == priya
    assert audits("session_note.approve") == 1


# --- notes to share -------------------------------------------------------------------


def test_notes_to_share_counts_held_dates_whose_note_is_not_shared(
    tuesday_group, thursday_group, helen, priya, held, tom, django_assert_num_queries
):
    write(held, helen)  # a draft: still to share
    a_date(tuesday_group, day=dt.date(2027, 1, 5))  # no note at all
    shared_note(a_date(tuesday_group, day=dt.date(2026, 12, 29)), helen, priya)
    a_date(tuesday_group, day=dt.date(2027, 1, 19))  # ended yesterday: not due yet
    a_date(tuesday_group, day=dt.date(2026, 12, 22), status=GroupSession.Status.CANCELLED)
    a_date(tuesday_group, day=dt.date(2026, 12, 15), status=GroupSession.Status.DRAFT)
    a_date(thursday_group, day=dt.date(2027, 1, 14))
    with django_assert_num_queries(1):
        due = notes.notes_to_share([tuesday_group.pk, thursday_group.pk])
    assert due == {tuesday_group.pk: 2, thursday_group.pk: 1}
    assert notes.notes_to_share([tuesday_group.pk], now=NOW + dt.timedelta(days=1)) == {
        tuesday_group.pk: 3
    }


# --- the staff pages ------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    return client


def staff_url(name, group, *args):
    return reverse(f"sessions_app:{name}", args=[group.pk, *args])


def test_the_notes_list_answers_each_role(client, tuesday_group, held, helen, dee, tom, sam):
    url = staff_url("session_notes", tuesday_group)
    for person, status in {helen: 200, dee: 200, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).post(url).status_code == 405


def test_the_notes_list_shows_where_each_note_stands(client, tuesday_group, held, helen, placed):
    a_date(tuesday_group, day=dt.date(2027, 1, 5))
    page = signed_in(client, helen).get(staff_url("session_notes", tuesday_group))
    text = page.content.decode()
    assert "Draft" in text and "Not written yet" in text and "(due)" in text
    rows = page.context["rows"]
    assert [r["session"].starts_at.date() for r in rows] == [
        dt.date(2027, 1, 12),
        dt.date(2027, 1, 5),
    ]
    assert rows[0]["drafted_by"] == "Helen Ward"


def many_dates(group, helen, count):
    start = dt.datetime(2025, 1, 7, 10, 30, tzinfo=LONDON)
    sessions = GroupSession.objects.bulk_create(
        GroupSession(
            group=group,
            starts_at=start + dt.timedelta(days=i),
            ends_at=start + dt.timedelta(days=i, hours=2),
            status=GroupSession.Status.HELD,
        )
        for i in range(count)
    )
    SessionNote.objects.bulk_create(
        SessionNote(
            session=s,
            text="Notes.",
            drafted_by=helen,
            status=SessionNote.Status.SHARED,
            approved_by=helen,
            shared_at=NOW,
        )
        for s in sessions
    )
    return sessions


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_notes_list_costs_the_same_with_5_or_500_dates(
    client, tuesday_group, helen, helen_fac, django_assert_max_num_queries
):
    url = staff_url("session_notes", tuesday_group)
    signed_in(client, helen)
    many_dates(tuesday_group, helen, 5)
    few = queries(client, url)
    many_dates(tuesday_group, helen, 495)
    with django_assert_max_num_queries(few):
        client.get(url)
    with django_assert_max_num_queries(few):
        client.get(url + "?page=3")


NOTE_PAGES = ("session_note",)


def test_the_note_page_answers_each_role(client, tuesday_group, held, helen, dee, tom, sam):
    url = staff_url("session_note", tuesday_group, held.pk)
    for person, status in {helen: 200, dee: 200, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).put(url).status_code == 405
    assert signed_in(client, dee).post(url, {"text": "Dee's words"}).status_code == 403
    assert not SessionNote.objects.exists()


def test_a_date_of_another_group_has_no_note_page_here(client, thursday_group, held, tom):
    url = staff_url("session_note", thursday_group, held.pk)
    assert signed_in(client, tom).get(url).status_code == 404


def test_a_facilitator_writes_the_note_on_its_page(client, tuesday_group, held, helen, words):
    url = staff_url("session_note", tuesday_group, held.pk)
    response = signed_in(client, helen).post(
        url,
        {
            "text": "We talked about reception.",
            "contributions": [words["maria_group"].pk, words["sam_anonymised"].pk],
        },
    )
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.text == "We talked about reception."
    assert set(note.contributions.all()) == {words["maria_group"], words["sam_anonymised"]}


def test_the_note_page_says_what_to_fix(client, tuesday_group, held, helen, words):
    url = staff_url("session_note", tuesday_group, held.pk)
    signed_in(client, helen)
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 200
    assert "Please write what the session talked about." in empty.content.decode()
    private = client.post(url, {"text": "Words", "contributions": [words["maria_only"].pk]})
    assert private.status_code == 200
    assert "Please choose from the list." in private.content.decode()
    junk = client.post(url, {"text": "Words", "contributions": ["not-a-number"]})
    assert junk.status_code == 200
    assert not SessionNote.objects.exists()


def test_each_contribution_shows_her_choice_and_who_sees_it(
    client, tuesday_group, held, helen, words
):
    page = signed_in(client, helen).get(staff_url("session_note", tuesday_group, held.pk))
    text = page.content.decode()
    assert "A quiet place to wait." in text
    assert "She chose: The group. Who sees it: The group." in text
    assert "She chose: The facilitators. Who sees it: The facilitators." in text
    assert "My own private thought." not in text


def test_looking_at_a_note_with_members_words_is_recorded(
    client, tuesday_group, held, helen, placed
):
    signed_in(client, helen).get(staff_url("session_note", tuesday_group, held.pk))
    event = AuditEvent.objects.get(action="session_note.view")
    assert event.actor == helen and event.subject_id == str(placed.pk)


def test_a_support_worker_reads_the_note_but_none_of_what_members_said(
    client, tuesday_group, held, dee, placed
):
    page = signed_in(client, dee).get(staff_url("session_note", tuesday_group, held.pk))
    text = page.content.decode()
    assert "We talked about reception desks." in text
    assert page.context["form"] is None
    assert "A quiet place to wait." not in text
    assert "Reception asked me why" not in text
    assert page.context["not_shown"] == 3


def test_words_she_made_private_leave_the_staff_page_at_once(
    client, tuesday_group, held, helen, maria, words, placed
):
    url = staff_url("session_note", tuesday_group, held.pk)
    assert "A quiet place to wait." in signed_in(client, helen).get(url).content.decode()
    contribution_set_visibility(
        contribution=words["maria_group"], visibility=Visibility.ONLY_ME, acting_user=maria
    )
    page = client.get(url)
    assert "A quiet place to wait." not in page.content.decode()
    assert page.context["not_shown"] == 1
    # Saving the note again keeps what Helen can no longer see.
    client.post(url, {"text": "New words.", "contributions": [words["sam_anonymised"].pk]})
    assert set(placed.contributions.all()) == {words["maria_group"], words["sam_anonymised"]}


@pytest.mark.parametrize("name", ["session_note_submit", "session_note_approve"])
def test_note_actions_are_posts_for_facilitators(
    client, name, tuesday_group, held, helen, dee, tom, sam, placed
):
    url = staff_url(name, tuesday_group, held.pk)
    assert signed_in(client, helen).get(url).status_code == 405
    assert signed_in(client, dee).post(url).status_code == 403
    assert signed_in(client, sam).post(url).status_code == 403
    assert signed_in(client, tom).post(url).status_code == 404


def test_an_action_on_a_date_without_a_note_is_not_found(client, tuesday_group, held, helen):
    url = staff_url("session_note_submit", tuesday_group, held.pk)
    assert signed_in(client, helen).post(url).status_code == 404


def test_send_then_check_then_share_on_the_staff_pages(
    client, tuesday_group, held, helen, priya, placed
):
    signed_in(client, helen).post(staff_url("session_note_submit", tuesday_group, held.pk))
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK
    own = client.post(staff_url("session_note_approve", tuesday_group, held.pk), follow=True)
    assert "You wrote this note last" in own.content.decode()
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK
    signed_in(client, priya).post(staff_url("session_note_approve", tuesday_group, held.pk))
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.SHARED
    page = client.get(staff_url("session_note", tuesday_group, held.pk))
    assert page.context["form"] is None
    assert "Shared on" in page.content.decode()
    refused = client.post(staff_url("session_note", tuesday_group, held.pk), {"text": "Again"})
    assert refused.status_code == 302
    placed.refresh_from_db()
    assert placed.text == "We talked about reception desks."


def test_the_group_navigation_has_the_notes_and_changes(client, tuesday_group, held, dee):
    page = signed_in(client, dee).get(staff_url("session_list", tuesday_group)).content.decode()
    assert staff_url("session_notes", tuesday_group) in page
    assert staff_url("service_changes", tuesday_group) in page


# --- her pages ------------------------------------------------------------------------


def my_url(name, *args):
    return reverse(f"sessions_app:{name}", args=args)


@pytest.fixture
def shared(held, helen, priya, words):
    return shared_note(
        held,
        helen,
        priya,
        contributions=[words["maria_group"], words["sam_facilitators"], words["sam_anonymised"]],
    )


def test_her_notes_pages_answer_each_role(client, held, shared, sam, helen, aisha):
    for url in (my_url("my_notes"), my_url("my_note", held.pk)):
        assert signed_in(client, sam).get(url).status_code == 200
        assert signed_in(client, helen).get(url).status_code == 403
        assert signed_in(client, sam).post(url).status_code == 405
    assert signed_in(client, aisha).get(my_url("my_note", held.pk)).status_code == 404
    theirs = signed_in(client, aisha).get(my_url("my_notes")).content.decode()
    assert "reception desks" not in theirs


def test_a_note_not_yet_shared_is_not_hers_to_read(client, held, placed, helen, sam):
    assert signed_in(client, sam).get(my_url("my_note", held.pk)).status_code == 404
    notes.note_submit(note=placed, acting_user=helen)
    assert client.get(my_url("my_note", held.pk)).status_code == 404
    assert "reception desks" not in client.get(my_url("my_notes")).content.decode()


def test_sam_reads_her_own_words_and_what_maria_shared(client, held, shared, sam):
    for url in (my_url("my_notes"), my_url("my_note", held.pk)):
        text = signed_in(client, sam).get(url).content.decode()
        assert "We talked about reception desks." in text
        assert "Maria said:</span> A quiet place to wait." in text
        assert "You said:</span> Reception asked me why, loudly." in text
        assert "You said:</span> Text before you call, please." in text
        assert "My own private thought." not in text


def test_maria_reads_what_sam_shared_with_the_group_without_her_name(client, held, shared, maria):
    text = signed_in(client, maria).get(my_url("my_notes")).content.decode()
    assert "You said:</span> A quiet place to wait." in text
    # Shared with the facilitators only: never another member's to read.
    assert "Reception asked me why" not in text
    # For the group, without her name.
    assert "A member said:</span> Text before you call, please." in text
    assert "Sam said" not in text


def test_only_me_is_never_shown_to_another_member_even_once_placed(
    client, held, shared, sam, maria, words
):
    SessionNote.objects.get().contributions.add(words["maria_only"])
    assert "My own private thought." not in (
        signed_in(client, sam).get(my_url("my_note", held.pk)).content.decode()
    )
    assert "My own private thought." in (
        signed_in(client, maria).get(my_url("my_note", held.pk)).content.decode()
    )


def test_changing_who_sees_it_changes_the_page_at_once(client, held, shared, sam, maria, words):
    url = my_url("my_note", held.pk)
    assert "A quiet place to wait." in signed_in(client, sam).get(url).content.decode()
    contribution_set_visibility(
        contribution=words["maria_group"], visibility=Visibility.ONLY_ME, acting_user=maria
    )
    assert "A quiet place to wait." not in client.get(url).content.decode()
    contribution_set_visibility(
        contribution=words["sam_facilitators"], visibility=Visibility.GROUP, acting_user=sam
    )
    assert "Reception asked me why" in (signed_in(client, maria).get(url).content.decode())


def test_her_notes_are_newest_first(client, tuesday_group, held, shared, helen, priya, sam):
    older = a_date(tuesday_group, day=dt.date(2026, 12, 29))
    shared_note(older, helen, priya)
    rows = signed_in(client, sam).get(my_url("my_notes")).context["rows"]
    assert [row["session"] for row in rows] == [held, older]


def test_her_notes_cost_the_same_with_5_or_500_dates(
    client, tuesday_group, helen, helen_fac, sam, maria, words, django_assert_max_num_queries
):
    dates = many_dates(tuesday_group, helen, 5)
    for note in SessionNote.objects.all():
        note.contributions.set([words["maria_group"], words["sam_anonymised"]])
    signed_in(client, sam)
    few = queries(client, my_url("my_notes"))
    more = many_dates(tuesday_group, helen, 495)
    through = SessionNote.contributions.through
    through.objects.bulk_create(
        through(sessionnote_id=note.pk, contribution_id=c.pk)
        for note in SessionNote.objects.filter(session__in=more)
        for c in (words["maria_group"], words["sam_facilitators"])
    )
    assert len(dates) + len(more) == 500
    with django_assert_max_num_queries(few):
        client.get(my_url("my_notes"))
    with django_assert_max_num_queries(few):
        client.get(my_url("my_notes") + "?page=7")


# --- the representative's check --------------------------------------------------------


def test_the_check_page_answers_each_role(client, held, placed, helen, lou, sam, aisha):
    notes.note_submit(note=placed, acting_user=helen)
    url = my_url("my_note_check", held.pk)
    assert signed_in(client, lou).get(url).status_code == 200
    assert signed_in(client, sam).get(url).status_code == 403
    assert signed_in(client, sam).post(url).status_code == 403
    assert signed_in(client, helen).get(url).status_code == 403
    assert signed_in(client, aisha).get(url).status_code == 404
    assert signed_in(client, lou).put(url).status_code == 405
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.TO_CHECK


def test_a_draft_is_not_there_to_check(client, held, placed, lou):
    assert signed_in(client, lou).get(my_url("my_note_check", held.pk)).status_code == 404


def test_lou_sees_it_as_members_will_and_shares_it(client, held, placed, helen, lou):
    notes.note_submit(note=placed, acting_user=helen)
    signed_in(client, lou)
    listed = client.get(my_url("my_notes")).content.decode()
    assert my_url("my_note_check", held.pk) in listed
    page = client.get(my_url("my_note_check", held.pk)).content.decode()
    assert "A member said:</span> Text before you call, please." in page
    assert "Maria said:</span> A quiet place to wait." in page
    assert "Reception asked me why" not in page
    response = client.post(my_url("my_note_check", held.pk))
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.status == SessionNote.Status.SHARED and placed.approved_by == lou
    again = client.post(my_url("my_note_check", held.pk), follow=True)
    assert "It was already shared." in again.content.decode()
    assert audits("session_note.approve") == 1
