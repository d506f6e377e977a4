""" "You said, we did" (rule 9): the facilitators' record of what changed in services
because of the group, the members' page that shows it in plain words, and the notice a
member gets, once, when a change she was part of is done. Lou's moment is here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consent.models import Visibility
from consent.services import consent_record, contribution_set_visibility
from coproduction.audit.models import AuditEvent
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import Membership, SafeContactProfile
from sessions_app.models import Attendance, ServiceChange
from sessions_app.services import changes
from sessions_app.staff_pages import KIND_LABELS
from tests.conftest import ensure_purposes
from tests.sessions_app import test_notes as notes_tests
from tests.sessions_app.test_notes import NOW, a_date, queries, said, signed_in, staff_url
from tests.sessions_app.test_wording import revealing

pytestmark = pytest.mark.django_db

# The notes' tests' evening, group and people (as tests/sessions_app/conftest.py shares
# the groups' fixtures).
_an_evening_in_january = notes_tests._an_evening_in_january
held = notes_tests.held
lou = notes_tests.lou
words = notes_tests.words

TODAY = NOW.date()
DONE = ServiceChange.Status.DONE


def record(group, user, **fields):
    if fields.get("change") is None:
        fields.setdefault("you_said", "Letters about missed appointments frighten people.")
    return changes.service_change_save(group=group, acting_user=user, **fields)


@pytest.fixture
def lous_idea(tuesday_group, lou):
    """Lou's proposal, credited to her by name, which she agreed to."""
    return said(
        lou, tuesday_group, "Phone first about a missed appointment, not a letter.",
        Visibility.CREDITED,
    )  # fmt: skip


@pytest.fixture
def lou_named(lou):
    purpose = ensure_purposes()["named_credit"]
    consent_record(member=lou, purpose=purpose, answer="yes", acting_user=lou)


def audits():
    return AuditEvent.objects.filter(action="service_change.save").count()


# --- service_change_save ----------------------------------------------------------------


def test_a_facilitator_records_a_change(tuesday_group, helen, helen_fac, held, lous_idea):
    change = record(
        tuesday_group, helen, we_did="The practice now phones first.", made_by="Mill Lane",
        status=ServiceChange.Status.IN_PROGRESS, sessions=[held], contributions=[lous_idea],
    )  # fmt: skip
    change.refresh_from_db()
    assert change.group == tuesday_group and change.created_by == helen
    assert change.status == ServiceChange.Status.IN_PROGRESS
    assert change.proposed_on == TODAY and change.done_on is None
    assert list(change.sessions.all()) == [held]
    assert list(change.contributions.all()) == [lous_idea]
    assert audits() == 1


def test_the_same_new_change_sent_twice_is_recorded_once(tuesday_group, helen, helen_fac):
    first = record(tuesday_group, helen)
    again = record(tuesday_group, helen)
    assert first.pk == again.pk
    assert ServiceChange.objects.count() == 1
    assert audits() == 1


def test_saving_it_again_unchanged_changes_nothing(tuesday_group, helen, helen_fac, held):
    change = record(tuesday_group, helen, sessions=[held])
    updated = change.updated_at
    record(tuesday_group, helen, change=change, you_said=change.you_said, sessions=[held])
    change.refresh_from_db()
    assert change.updated_at == updated
    assert audits() == 1


def test_an_edit_changes_what_it_is_given_and_keeps_the_rest(tuesday_group, helen, helen_fac):
    change = record(tuesday_group, helen, made_by="Mill Lane")
    record(tuesday_group, helen, change=change, we_did="Phones first.")
    change.refresh_from_db()
    assert change.we_did == "Phones first." and change.made_by == "Mill Lane"
    assert audits() == 2


def test_not_possible_needs_the_reason(tuesday_group, helen, helen_fac):
    with pytest.raises(ValidationError) as refused:
        record(tuesday_group, helen, status=ServiceChange.Status.NOT_POSSIBLE, why_not="  ")
    assert "why_not" in refused.value.error_dict
    change = record(
        tuesday_group, helen, status=ServiceChange.Status.NOT_POSSIBLE,
        why_not="The phone system cannot do it this year.",
    )  # fmt: skip
    assert change.why_not == "The phone system cannot do it this year."


def test_what_members_said_is_needed(tuesday_group, helen, helen_fac):
    with pytest.raises(ValidationError) as refused:
        record(tuesday_group, helen, you_said="")
    assert "you_said" in refused.value.error_dict


def test_done_is_dated_today_unless_a_day_is_given(tuesday_group, helen, helen_fac):
    change = record(tuesday_group, helen, status=DONE)
    assert change.done_on == TODAY
    other = record(tuesday_group, helen, you_said="Other", status=DONE, done_on=dt.date(2027, 1, 4))
    assert other.done_on == dt.date(2027, 1, 4)
    # Saved again done, it keeps its day.
    record(tuesday_group, helen, change=other, made_by="Mill Lane")
    other.refresh_from_db()
    assert other.done_on == dt.date(2027, 1, 4)


def test_a_change_no_longer_done_loses_its_done_day(tuesday_group, helen, helen_fac):
    change = record(tuesday_group, helen, status=DONE)
    record(tuesday_group, helen, change=change, status=ServiceChange.Status.IN_PROGRESS)
    change.refresh_from_db()
    assert change.done_on is None


def test_done_cannot_be_in_the_future(tuesday_group, helen, helen_fac):
    with pytest.raises(ValidationError) as refused:
        record(tuesday_group, helen, status=DONE, done_on=TODAY + dt.timedelta(days=1))
    assert "done_on" in refused.value.error_dict


def test_an_unknown_status_is_refused(tuesday_group, helen, helen_fac):
    with pytest.raises(ValidationError):
        record(tuesday_group, helen, status="finished")


@pytest.mark.parametrize("who", ["dee", "sam", "tom"])
def test_only_the_groups_facilitators_record_changes(request, tuesday_group, sam_membership, who):
    with pytest.raises(ValidationError, match="Only the group's facilitators"):
        record(tuesday_group, request.getfixturevalue(who))
    assert not ServiceChange.objects.exists()


def test_a_change_of_another_group_is_not_edited_here(
    tuesday_group, thursday_group, helen, helen_fac, tom
):
    theirs = record(thursday_group, tom)
    with pytest.raises(ValidationError, match="another group"):
        record(tuesday_group, helen, change=theirs, we_did="Taken over")


def test_only_the_groups_own_dates_and_words_are_linked(
    tuesday_group, thursday_group, helen, helen_fac, aisha, words
):
    thursday_date = a_date(thursday_group)
    with pytest.raises(ValidationError) as refused:
        record(tuesday_group, helen, sessions=[thursday_date])
    assert "sessions" in refused.value.error_dict
    theirs = said(aisha, thursday_group, "Thursday words.", Visibility.GROUP)
    with pytest.raises(ValidationError) as refused:
        record(tuesday_group, helen, contributions=[theirs])
    assert "contributions" in refused.value.error_dict
    with pytest.raises(ValidationError, match="not shared this with the facilitators"):
        record(tuesday_group, helen, contributions=[words["maria_only"]])
    assert not ServiceChange.objects.exists()


# --- who is part of it, and who is told ----------------------------------------------------


def test_members_part_of_it_said_its_words_or_came_to_its_dates(
    tuesday_group, helen, helen_fac, held, sam, maria, lou, words
):
    Attendance.objects.create(session=held, member=lou, came=True)
    Attendance.objects.create(session=held, member=maria, came=False)
    Attendance.objects.create(session=held, member=sam, plan=Attendance.Plan.COMING)
    change = record(tuesday_group, helen, sessions=[held], contributions=[words["maria_group"]])
    assert changes.members_part_of(change) == {lou.pk, maria.pk}
    change.contributions.set([words["sam_anonymised"]])
    assert changes.members_part_of(change) == {lou.pk, sam.pk}


def told(kind=changes.CHANGE_DONE):
    return Message.objects.filter(kind=kind)


def test_when_it_is_done_each_member_part_of_it_is_told_once(
    tuesday_group, helen, helen_fac, held, sam_safe, sam, maria, lou, words
):
    Attendance.objects.create(session=held, member=lou, came=True)
    change = record(
        tuesday_group, helen, sessions=[held],
        contributions=[words["sam_anonymised"], words["maria_group"]],
    )  # fmt: skip
    assert not told().exists()
    record(tuesday_group, helen, change=change, status=ServiceChange.Status.IN_PROGRESS)
    assert not told().exists()
    record(tuesday_group, helen, change=change, status=DONE, we_did="Phones first.")
    assert set(told().values_list("recipient", flat=True)) == {sam.pk, maria.pk, lou.pk}
    assert set(told().values_list("key", flat=True)) == {
        f"change_done:{change.pk}:{member.pk}" for member in (sam, maria, lou)
    }
    # Saved again, or back and forth: nobody is told twice.
    record(tuesday_group, helen, change=change, made_by="Mill Lane")
    record(tuesday_group, helen, change=change, status=ServiceChange.Status.IN_PROGRESS)
    record(tuesday_group, helen, change=change, status=DONE)
    assert changes.change_done_notify(change=change) == 0
    assert told().count() == 3


def test_sam_hears_by_text_in_words_that_say_nothing(
    tuesday_group, helen, helen_fac, sam_safe, sam, words
):
    record(tuesday_group, helen, status=DONE, contributions=[words["sam_anonymised"]])
    message = told().get(recipient=sam)
    assert message.channel == Channel.SMS
    assert message.mentions_group is False
    assert revealing(message.subject) == [] and revealing(message.body) == []


def test_the_neutral_words_carry_no_revealing_word_and_the_clear_ones_name_the_group():
    subject, body = changes.change_done_words(None, clear=False, group_name="Tuesday group")
    assert revealing(subject) == [] and revealing(body) == []
    assert "Tuesday group" not in body
    subject, body = changes.change_done_words(None, clear=True, group_name="Tuesday group")
    assert "Tuesday group" in body


def test_who_let_messages_name_the_group_reads_its_name(
    tuesday_group, helen, helen_fac, lou, lous_idea
):
    SafeContactProfile.objects.create(member=lou, channels=[Channel.EMAIL], may_mention_group=True)
    record(tuesday_group, helen, status=DONE, contributions=[lous_idea])
    message = told().get(recipient=lou)
    assert message.channel == Channel.EMAIL and message.mentions_group
    assert "Tuesday group" in message.body


def test_a_member_on_a_break_or_gone_is_not_told(
    tuesday_group, helen, helen_fac, sam, maria, words, sam_membership, maria_membership
):
    sam_membership.status = Membership.Status.STEPPED_BACK
    sam_membership.save()
    maria_membership.status = Membership.Status.LEFT
    maria_membership.save()
    change = record(tuesday_group, helen)
    # Linked before they stepped back or left, then done.
    change.contributions.set([words["sam_anonymised"], words["maria_group"]])
    record(tuesday_group, helen, change=change, status=DONE)
    assert not told().exists()


def test_the_messages_page_names_the_notice():
    assert KIND_LABELS[changes.CHANGE_DONE] == changes.KIND_LABELS[changes.CHANGE_DONE]


# --- Lou's moment ---------------------------------------------------------------------------


def my_changes_url():
    return reverse("sessions_app:my_changes")


def test_lous_moment(client, tuesday_group, helen, helen_fac, lou, lou_named, lous_idea):
    """ "You said, we did" shows her proposal, the practice's change, and its date; she is
    told once, in words that say nothing."""
    change = record(
        tuesday_group, helen, you_said="Lou proposed: phone people about a missed appointment.",
        contributions=[lous_idea], proposed_on=dt.date(2026, 3, 3),
    )  # fmt: skip
    assert not told().exists()
    record(
        tuesday_group, helen, change=change, status=DONE, done_on=dt.date(2027, 1, 14),
        we_did="Mill Lane Surgery now phones first, and no longer sends a warning letter.",
        made_by="Mill Lane Surgery's practice manager",
    )  # fmt: skip
    page = signed_in(client, lou).get(my_changes_url()).content.decode()
    assert "Lou proposed: phone people about a missed appointment." in page
    assert "You said:</span> Phone first about a missed appointment, not a letter." in page
    assert "Mill Lane Surgery now phones first" in page
    assert "Made to happen by Mill Lane Surgery&#x27;s practice manager." in page
    assert "Done on 14 January" in page
    assert "Members said, on 3 March 2026" in page
    message = told().get()
    assert message.recipient == lou
    assert revealing(message.subject) == [] and revealing(message.body) == []
    record(tuesday_group, helen, change=change, made_by="Mill Lane Surgery")
    assert told().count() == 1


# --- the staff pages ------------------------------------------------------------------------


def form(**changes_):
    return {
        "you_said": "Letters frighten people.", "we_did": "", "made_by": "",
        "status": "proposed", "why_not": "", "proposed_on": "2027-01-12", "done_on": "",
        **changes_,
    }  # fmt: skip


def test_the_changes_list_answers_each_role(client, tuesday_group, helen, helen_fac, dee, tom, sam):
    url = staff_url("service_changes", tuesday_group)
    for person, status in {helen: 200, dee: 200, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).post(url).status_code == 405


def test_the_changes_list_shows_them_and_edit_links_for_facilitators(
    client, tuesday_group, helen, helen_fac, dee
):
    change = record(tuesday_group, helen, made_by="Mill Lane")
    edit = staff_url("service_change_edit", tuesday_group, change.pk)
    page = signed_in(client, helen).get(staff_url("service_changes", tuesday_group)).content
    assert b"Letters about missed appointments" in page and edit.encode() in page
    page = signed_in(client, dee).get(staff_url("service_changes", tuesday_group)).content
    assert b"Letters about missed appointments" in page and edit.encode() not in page


def test_the_new_change_page_answers_each_role(
    client, tuesday_group, helen, helen_fac, dee, tom, sam
):
    url = staff_url("service_change_new", tuesday_group)
    for person, status in {helen: 200, dee: 403, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, dee).post(url, form()).status_code == 403
    assert signed_in(client, helen).put(url).status_code == 405
    assert not ServiceChange.objects.exists()


def test_a_facilitator_adds_a_change_on_its_page(
    client, tuesday_group, helen, helen_fac, held, words
):
    response = signed_in(client, helen).post(
        staff_url("service_change_new", tuesday_group),
        form(sessions=[held.pk], contributions=[words["maria_group"].pk]),
    )
    assert response.status_code == 302
    change = ServiceChange.objects.get()
    assert change.you_said == "Letters frighten people."
    assert change.proposed_on == dt.date(2027, 1, 12)
    assert list(change.sessions.all()) == [held]
    assert list(change.contributions.all()) == [words["maria_group"]]


@pytest.mark.parametrize(
    ("data", "fix"),
    [
        (form(status="not_possible"), "Please say why it was not possible"),
        (form(you_said=""), "Please say what members said."),
        (form(status="finished"), "Please choose how far it has got."),
        (form(proposed_on="yesterday"), "Please give a date"),
        (form(status="done", done_on="2099-01-01"), "cannot be in the future"),
        (form(contributions=["x"]), "Please choose from the list."),
    ],
)
def test_the_change_page_says_what_to_fix(client, tuesday_group, helen, helen_fac, data, fix):
    response = signed_in(client, helen).post(staff_url("service_change_new", tuesday_group), data)
    assert response.status_code == 200
    assert fix in response.content.decode()
    assert not ServiceChange.objects.exists()


def test_only_shared_words_are_offered_to_link(client, tuesday_group, helen, helen_fac, words):
    page = signed_in(client, helen).get(staff_url("service_change_new", tuesday_group))
    text = page.content.decode()
    assert "A quiet place to wait." in text
    assert "My own private thought." not in text
    response = client.post(
        staff_url("service_change_new", tuesday_group), form(contributions=[words["maria_only"].pk])
    )
    assert response.status_code == 200
    assert not ServiceChange.objects.exists()


def test_the_edit_page_answers_each_role(client, tuesday_group, helen, helen_fac, dee, tom, sam):
    change = record(tuesday_group, helen)
    url = staff_url("service_change_edit", tuesday_group, change.pk)
    for person, status in {helen: 200, dee: 403, tom: 404, sam: 403}.items():
        assert signed_in(client, person).get(url).status_code == status, person
    assert signed_in(client, helen).put(url).status_code == 405


def test_a_change_of_another_group_has_no_edit_page_here(
    client, tuesday_group, thursday_group, helen, helen_fac, tom
):
    change = record(tuesday_group, helen)
    url = staff_url("service_change_edit", thursday_group, change.pk)
    assert signed_in(client, tom).get(url).status_code == 404


def test_marking_it_done_on_its_page_tells_those_part_of_it(
    client, tuesday_group, helen, helen_fac, maria, words
):
    change = record(tuesday_group, helen, contributions=[words["maria_group"]])
    url = staff_url("service_change_edit", tuesday_group, change.pk)
    response = signed_in(client, helen).post(
        url, form(status="done", we_did="Phones first.", contributions=[words["maria_group"].pk]),
        follow=True,
    )  # fmt: skip
    assert "will be told" in response.content.decode()
    change.refresh_from_db()
    assert change.status == DONE and change.done_on == TODAY
    assert told().get().recipient == maria


# --- her page ------------------------------------------------------------------------------


def test_her_page_answers_each_role(client, tuesday_group, helen, helen_fac, sam, aisha, tom):
    record(tuesday_group, helen)
    assert signed_in(client, sam).get(my_changes_url()).status_code == 200
    assert signed_in(client, helen).get(my_changes_url()).status_code == 403
    assert signed_in(client, sam).post(my_changes_url()).status_code == 405
    # Aisha, of the Thursday group, sees nothing of the Tuesday group's changes.
    page = signed_in(client, aisha).get(my_changes_url()).content.decode()
    assert "Letters about missed appointments" not in page


def test_her_page_says_it_in_plain_words(
    client, tuesday_group, helen, helen_fac, sam, sam_membership
):
    record(
        tuesday_group, helen, you_said="A text reminder the day before.",
        status=ServiceChange.Status.NOT_POSSIBLE, why_not="The system cannot send texts yet.",
    )  # fmt: skip
    record(tuesday_group, helen, you_said="Chairs in the corridor.", status="in_progress")
    page = signed_in(client, sam).get(my_changes_url()).content.decode()
    assert "Not possible" in page and "The system cannot send texts yet." in page
    assert "Being worked on" in page


def test_linked_words_show_only_as_each_member_allowed(
    client, tuesday_group, helen, helen_fac, sam, maria, lou, lou_named, lous_idea, words
):
    record(
        tuesday_group, helen,
        contributions=[lous_idea, words["sam_anonymised"], words["sam_facilitators"],
                       words["maria_group"]],
    )  # fmt: skip
    page = signed_in(client, maria).get(my_changes_url()).content.decode()
    assert "Lou said:</span> Phone first" in page
    assert "A member said:</span> Text before you call, please." in page
    assert "Reception asked me why" not in page
    assert "You said:</span> A quiet place to wait." in page
    # Her own words she always reads, whoever else may.
    sam_page = signed_in(client, sam).get(my_changes_url()).content.decode()
    assert "You said:</span> Reception asked me why, loudly." in sam_page
    contribution_set_visibility(
        contribution=words["maria_group"], visibility=Visibility.ONLY_ME, acting_user=maria
    )
    assert "A quiet place to wait." not in client.get(my_changes_url()).content.decode()


def test_credit_without_her_yes_to_being_named_shows_no_name(
    client, tuesday_group, helen, helen_fac, sam, lou, lous_idea, sam_membership
):
    record(tuesday_group, helen, contributions=[lous_idea])
    page = signed_in(client, sam).get(my_changes_url()).content.decode()
    assert "A member said:</span> Phone first" in page
    assert "Lou said" not in page


def test_her_page_costs_the_same_with_5_or_500_changes(
    client, tuesday_group, helen, helen_fac, sam, held, words, django_assert_max_num_queries
):
    def make(count, start):
        made = ServiceChange.objects.bulk_create(
            ServiceChange(
                group=tuesday_group,
                you_said=f"Said {start + i}",
                status=DONE,
                done_on=TODAY,
                made_by="Mill Lane",
            )
            for i in range(count)
        )
        through = ServiceChange.contributions.through
        through.objects.bulk_create(
            through(servicechange_id=c.pk, contribution_id=w.pk)
            for c in made
            for w in (words["maria_group"], words["sam_anonymised"])
        )

    make(5, 0)
    signed_in(client, sam)
    few = queries(client, my_changes_url())
    make(495, 5)
    with django_assert_max_num_queries(few):
        client.get(my_changes_url())
    with django_assert_max_num_queries(few):
        client.get(my_changes_url() + "?page=4")


# --- the admin site -------------------------------------------------------------------------


def test_partner_admins_read_their_own_groups_changes_only(
    client, tuesday_group, thursday_group, helen, helen_fac, tom, ruth
):
    ours = record(tuesday_group, helen, you_said="Our group's change.")
    theirs = record(thursday_group, tom, you_said="Another group's change.")
    signed_in(client, ruth)
    listed = client.get(reverse("admin:sessions_app_servicechange_changelist")).content.decode()
    assert "Our group&#x27;s change." in listed and "Another group" not in listed
    change_page = "admin:sessions_app_servicechange_change"
    assert client.get(reverse(change_page, args=[ours.pk])).status_code == 200
    assert client.get(reverse(change_page, args=[theirs.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:sessions_app_servicechange_add")).status_code == 403
    # Another charity's group is not even a name in her filter.
    assert "Primary care access – Thursday" not in listed


def test_partner_admins_see_hours_counted_not_named(
    client, tuesday_group, thursday_group, helen, helen_fac, sam, sam_membership, maria, ruth
):
    held = a_date(tuesday_group)
    Attendance.objects.create(session=held, member=sam, came=True, hours=2)
    Attendance.objects.create(session=held, member=maria, came=False)
    signed_in(client, ruth)
    listed = client.get(reverse("admin:sessions_app_attendance_changelist")).content.decode()
    assert "2.00" in listed
    # Her "Who sees what" says the partner sees her counted, not named; and not coming
    # is nobody's business.
    for name in ("Sam", "Maria", sam.username, maria.username):
        assert name not in listed
    assert "1 attendance" in listed
    assert "Primary care access – Thursday" not in listed
