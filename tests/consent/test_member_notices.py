"""Member notices: a receipt of each changed answer (if she asked for receipts), changed
wordings to read (at most monthly), "please check your contact choices" when due, a new
group agreement to read, her download ready. Each is queued once for its cause, by her
safe channel (her home page when she has none), in neutral words unless she let messages
mention the group, and never for a member who left or is on a break."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from consent import services
from consent.models import Answer, ConsentEvent, ConsentText
from consent.tasks import build_data_export, tell_members_of_changed_wordings
from coproduction.outbox import services as outbox
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups import notices
from groups import services as group_services
from groups.forms.member import SafeContactForm
from groups.models import Membership, SafeContactProfile
from groups.tasks import ask_members_to_check_contact_choices
from tests.factories import MembershipFactory, UserFactory
from tests.sessions_app import conftest as sessions_fixtures
from tests.sessions_app import test_wording

# Every text and email is kept in memory, so a test counts what went out.
memory_channels = sessions_fixtures.memory_channels

LONDON = ZoneInfo("Europe/London")
# Tuesday 8 December 2026, inside Sam's window (Tuesday to Thursday, 10:00–14:00).
TUESDAY_ELEVEN = dt.datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)

# The words no check-in may carry, and the ones that say what these notices are about.
REVEALING = (*test_wording.REVEALING, "consent", "agreement", "agreed", "data", "export")


def revealing(text: str) -> list[str]:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return [word for word in REVEALING if word in words]


def safe_profile(member, **fields) -> SafeContactProfile:
    values = {
        "channels": [Channel.SMS],
        "phone": "07700 900123",
        "safe_days": [1, 2, 3],
        "safe_from": dt.time(10, 0),
        "safe_until": dt.time(14, 0),
        "sender_name": "Jo",
        **fields,
    }
    return SafeContactProfile.objects.create(member=member, **values)


@pytest.fixture
def sam_safe(sam, sam_membership):
    """Sam: texts only, Tuesday to Thursday 10:00–14:00, from "Jo", never the group; she
    asked for receipts."""
    return safe_profile(sam, wants_receipts=True)


def notices_of(member, kind: str) -> list[Message]:
    return list(Message.objects.filter(recipient=member, kind=kind).order_by("pk"))


def deliver_due(now):
    for message_id in outbox.due_sweep(now=now):
        outbox.message_deliver(message_id=message_id, now=now)


def leave(membership) -> None:
    membership.status = Membership.Status.LEFT
    membership.save()


def step_back(membership) -> None:
    membership.status = Membership.Status.STEPPED_BACK
    membership.save()


def many_members(group, count: int, *, confirmed_at: dt.datetime) -> list:
    members = []
    for _ in range(count):
        member = UserFactory()
        MembershipFactory(user=member, group=group)
        safe_profile(member, channels=[Channel.EMAIL], confirmed_at=confirmed_at)
        members.append(member)
    return members


# --- her safe channel ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("channels", "phone", "email", "expected"),
    [
        ([Channel.SMS], "07700 900123", "sam@example.org", Channel.SMS),
        ([Channel.CALL, Channel.EMAIL, Channel.SMS], "07700 900123", "s@example.org", "email"),
        ([Channel.SUPPORT_WORKER, Channel.SMS], "07700 900123", "", Channel.SMS),
        # A way she allowed but has no address for is passed over.
        ([Channel.SMS, Channel.EMAIL], "", "sam@example.org", Channel.EMAIL),
        ([Channel.EMAIL], "", "", Channel.PORTAL),
        # Ways the outbox cannot send are never chosen, and "I'll get in touch" is a notice
        # on her home page.
        ([Channel.CALL, Channel.SUPPORT_WORKER], "07700 900123", "s@example.org", "portal"),
        ([], "", "sam@example.org", Channel.PORTAL),
    ],
)
def test_a_notice_goes_by_the_first_way_she_allowed_that_can_reach_her(
    sam, channels, phone, email, expected
):
    sam.email = email
    profile = SafeContactProfile(member=sam, channels=channels, phone=phone)
    assert notices.notice_channel(sam, profile) == expected


def test_with_no_profile_a_notice_is_on_her_home_page(sam):
    assert notices.notice_channel(sam, None) == Channel.PORTAL


def test_a_way_with_no_sender_set_up_is_passed_over(sam, settings):
    settings.HEARTH_OUTBOX_BACKENDS = {**settings.HEARTH_OUTBOX_BACKENDS, "sms": ""}
    profile = SafeContactProfile(member=sam, channels=[Channel.SMS], phone="07700 900123")
    assert notices.notice_channel(sam, profile) == Channel.PORTAL


def test_only_members_in_a_group_and_not_on_a_break_are_told(
    sam, sam_membership, maria, maria_membership, helen, helen_fac, thursday_group
):
    jade = UserFactory(username="jade")
    step_back(MembershipFactory(user=jade, group=thursday_group))
    lou = UserFactory(username="lou")
    leave(MembershipFactory(user=lou, group=thursday_group))
    closed = UserFactory(username="closed", is_active=False)
    MembershipFactory(user=closed, group=thursday_group)
    # On a break from one group is quiet everywhere, as the gate has it.
    MembershipFactory(user=maria, group=thursday_group, status=Membership.Status.STEPPED_BACK)
    everyone = [sam.pk, maria.pk, helen.pk, jade.pk, lou.pk, closed.pk, 999_999]
    assert [m.pk for m in notices.members_to_tell(everyone)] == [sam.pk]


# --- a receipt of each changed answer ---------------------------------------------


def test_a_changed_answer_gets_one_receipt_by_her_safe_channel(sam, sam_safe, purposes):
    event = services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    # The same answer again appends nothing and sends nothing.
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    (receipt,) = notices_of(sam, notices.CONSENT_RECEIPT)
    assert receipt.key == f"consent_receipt:{event.pk}"
    assert receipt.channel == Channel.SMS
    assert receipt.mentions_group is False
    assert revealing(receipt.body) == [] and revealing(receipt.subject) == []

    deliver_due(TUESDAY_ELEVEN)
    assert [(key, sender) for key, _to, sender, _body in MemoryBackend.sent] == [
        (receipt.key, "Jo")
    ]


def test_each_change_gets_its_own_receipt(sam, sam_safe, purposes):
    for answer in (Answer.YES, Answer.NO, Answer.ASK):
        services.consent_record(
            member=sam, purpose=purposes["photos"], answer=answer, acting_user=sam
        )
    events = ConsentEvent.objects.filter(member=sam).values_list("pk", flat=True)
    assert {m.key for m in notices_of(sam, notices.CONSENT_RECEIPT)} == {
        f"consent_receipt:{pk}" for pk in events
    }


def test_the_same_receipt_asked_for_twice_is_one_message(sam, sam_safe, purposes):
    event = services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    again = notices.notices_queue(
        notices.members_to_tell([sam.pk], receipts_only=True),
        kind=notices.CONSENT_RECEIPT,
        key=lambda _member: f"consent_receipt:{event.pk}",
        words=lambda her, clear: notices.consent_receipt_words(
            her, clear=clear, at=event.at, question="", answer=""
        ),
    )
    assert again == 0
    assert len(notices_of(sam, notices.CONSENT_RECEIPT)) == 1


def test_a_change_made_for_her_gets_a_receipt_too(sam, sam_safe, helen, helen_fac, purposes):
    services.consent_record(
        member=sam,
        purpose=purposes["photos"],
        answer=Answer.NO,
        acting_user=helen,
        method=ConsentEvent.Method.IN_PERSON,
        how_she_told_us="At the end of Tuesday.",
    )
    assert len(notices_of(sam, notices.CONSENT_RECEIPT)) == 1


def test_no_receipt_unless_she_asked_for_receipts(sam, sam_membership, maria, purposes):
    safe_profile(sam)  # wants_receipts starts off
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    assert Message.objects.count() == 0
    assert SafeContactProfile().wants_receipts is False


def test_no_receipt_without_a_profile_to_ask_for_one(sam, sam_membership, purposes):
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    assert Message.objects.count() == 0


def test_no_receipt_for_a_member_who_left(sam, sam_safe, sam_membership, purposes):
    leave(sam_membership)
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.NO, acting_user=sam
    )
    assert Message.objects.count() == 0


def test_a_receipt_on_her_home_page_when_she_allowed_no_way(sam, sam_membership, purposes):
    safe_profile(sam, channels=[], wants_receipts=True)
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    (receipt,) = notices_of(sam, notices.CONSENT_RECEIPT)
    assert receipt.channel == Channel.PORTAL
    deliver_due(TUESDAY_ELEVEN)
    receipt.refresh_from_db()
    assert receipt.status == Message.Status.SENT and MemoryBackend.sent == []


def test_a_receipt_in_clear_words_where_she_allowed_them(sam, sam_membership, purposes):
    safe_profile(sam, channels=[Channel.EMAIL], may_mention_group=True, wants_receipts=True)
    with time_machine.travel(TUESDAY_ELEVEN, tick=False):
        services.consent_record(
            member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
        )
    (receipt,) = notices_of(sam, notices.CONSENT_RECEIPT)
    assert receipt.channel == Channel.EMAIL and receipt.mentions_group is True
    assert receipt.body == (
        "Hearth: your answer to “May we take photos with you in them?” is now “Yes” "
        "(8 December, 11:00). If that was not you, please sign in and check."
    )


# --- her download ready -------------------------------------------------------------


def test_her_download_ready_is_one_notice_however_often_it_is_built(sam, sam_safe):
    export = services.data_export_request(member=sam, acting_user=sam)
    build_data_export.apply(args=(export.pk,))
    build_data_export.apply(args=(export.pk,))
    (ready,) = notices_of(sam, notices.EXPORT_READY)
    assert ready.key == f"export_ready:{export.pk}"
    assert ready.channel == Channel.SMS
    assert revealing(ready.body) == []


def test_her_download_ready_on_her_home_page_without_a_profile(sam, sam_membership):
    export = services.data_export_request(member=sam, acting_user=sam)
    services.data_export_build(export_id=export.pk)
    (ready,) = notices_of(sam, notices.EXPORT_READY)
    assert ready.channel == Channel.PORTAL


def test_no_download_notice_for_a_member_who_left(sam, sam_safe, sam_membership):
    export = services.data_export_request(member=sam, acting_user=sam)
    leave(sam_membership)
    services.data_export_build(export_id=export.pk)
    assert Message.objects.count() == 0


# --- a new group agreement ------------------------------------------------------------


@pytest.fixture
def agreement_draft(tuesday_group, helen, helen_fac):
    return group_services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen. We keep what is said here."
    )


def test_a_new_agreement_is_one_notice_to_each_member_of_the_group(
    sam, sam_safe, maria, maria_membership, dee, aisha, helen, agreement_draft
):
    version = group_services.agreement_publish(version=agreement_draft, acting_user=helen)
    group_services.agreement_publish(version=version, acting_user=helen)
    told = Message.objects.filter(kind=notices.AGREEMENT_NEW)
    assert sorted((m.recipient_id, m.key, m.channel) for m in told) == sorted(
        [
            (sam.pk, f"agreement:{version.pk}:{sam.pk}", Channel.SMS),
            (maria.pk, f"agreement:{version.pk}:{maria.pk}", Channel.PORTAL),
        ]
    )
    assert all(revealing(m.body) == [] for m in told)


def test_the_next_version_is_a_notice_of_its_own(sam, sam_safe, helen, agreement_draft):
    group_services.agreement_publish(version=agreement_draft, acting_user=helen)
    second = group_services.agreement_draft_save(
        group=agreement_draft.group, acting_user=helen, text="We listen, and we pause."
    )
    group_services.agreement_publish(version=second, acting_user=helen)
    assert len(notices_of(sam, notices.AGREEMENT_NEW)) == 2


def test_no_agreement_notice_on_a_break_or_after_leaving(
    sam, sam_safe, sam_membership, maria, maria_membership, helen, agreement_draft
):
    step_back(sam_membership)
    leave(maria_membership)
    group_services.agreement_publish(version=agreement_draft, acting_user=helen)
    assert Message.objects.count() == 0


def test_the_agreement_notice_names_the_group_only_where_she_allowed_it(
    sam, sam_membership, helen, agreement_draft
):
    safe_profile(sam, channels=[Channel.EMAIL], may_mention_group=True)
    group_services.agreement_publish(version=agreement_draft, acting_user=helen)
    (told,) = notices_of(sam, notices.AGREEMENT_NEW)
    assert told.mentions_group is True
    assert "Tuesday group has a new version of its group agreement" in told.body


@pytest.mark.parametrize("count", [3, 40])
def test_publishing_costs_the_same_for_a_few_members_or_many(
    tuesday_group, helen, agreement_draft, count, django_assert_max_num_queries
):
    many_members(tuesday_group, count, confirmed_at=dt.datetime.now(tz=dt.UTC))
    # The reads are the same however many members; each notice then costs the outbox's
    # four statements (it keeps each once by its key).
    with django_assert_max_num_queries(9 + 4 * count):
        group_services.agreement_publish(version=agreement_draft, acting_user=helen)
    assert Message.objects.filter(kind=notices.AGREEMENT_NEW).count() == count


# --- please check your contact choices ---------------------------------------------------


def test_due_contact_choices_are_asked_about_once_per_due_date(sam, sam_safe):
    with time_machine.travel("2026-09-01 09:00", tick=False):
        group_services.safe_contact_update(member=sam, acting_user=sam)
    with time_machine.travel("2026-11-29 09:00", tick=False):  # day 89
        assert ask_members_to_check_contact_choices.apply().get() == 0
    with time_machine.travel("2026-11-30 09:00", tick=False):  # day 90
        assert ask_members_to_check_contact_choices.apply().get() == 1
        assert ask_members_to_check_contact_choices.apply().get() == 0
    with time_machine.travel("2026-12-20 09:00", tick=False):  # still not checked
        assert notices.contact_checks_queue() == 0
    (asked,) = notices_of(sam, notices.CONFIRM_CONTACT)
    assert asked.key == f"confirm_contact:{sam.pk}:2026-11-30"
    assert asked.channel == Channel.SMS
    assert revealing(asked.body) == []

    # Saving her choices is checking them: the next ask is 90 days on.
    with time_machine.travel("2026-12-21 09:00", tick=False):
        group_services.safe_contact_update(member=sam, acting_user=sam)
    with time_machine.travel("2027-03-21 09:00", tick=False):
        assert notices.contact_checks_queue() == 1
    assert notices_of(sam, notices.CONFIRM_CONTACT)[-1].key == (
        f"confirm_contact:{sam.pk}:2027-03-21"
    )


def test_her_own_rhythm_for_checking_is_kept(sam, sam_safe):
    sam_safe.confirm_every_days = 30
    sam_safe.confirmed_at = dt.datetime(2026, 11, 1, 9, tzinfo=LONDON)
    sam_safe.save()
    assert notices.contact_checks_queue(now=dt.datetime(2026, 11, 30, 9, tzinfo=LONDON)) == 0
    assert notices.contact_checks_queue(now=dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)) == 1


def test_no_ask_to_check_for_a_member_who_left_or_is_on_a_break(
    sam, sam_safe, sam_membership, maria, maria_membership
):
    safe_profile(maria, channels=[Channel.EMAIL])
    SafeContactProfile.objects.update(confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    leave(sam_membership)
    step_back(maria_membership)
    assert notices.contact_checks_queue() == 0
    assert Message.objects.count() == 0


@pytest.mark.parametrize("count", [3, 60])
def test_asking_to_check_costs_the_same_for_a_few_members_or_many(
    tuesday_group, count, django_assert_max_num_queries
):
    now = dt.datetime(2026, 12, 8, 9, tzinfo=dt.UTC)
    many_members(tuesday_group, count, confirmed_at=now - dt.timedelta(days=10))
    many_members(tuesday_group, 2, confirmed_at=now - dt.timedelta(days=100))
    with django_assert_max_num_queries(10):
        assert notices.contact_checks_queue(now=now) == 2
    # Everyone due, and asked already: the second run is as cheap as any.
    SafeContactProfile.objects.update(confirmed_at=now - dt.timedelta(days=100))
    Message.objects.all().delete()
    for member in notices.members_to_tell(tuesday_group.memberships.values("user")):
        Message.objects.create(
            recipient=member,
            kind=notices.CONFIRM_CONTACT,
            channel=Channel.EMAIL,
            body="",
            key=f"confirm_contact:{member.pk}:{member.safe_contact.confirm_by}",
        )
    with django_assert_max_num_queries(2):
        assert notices.contact_checks_queue(now=now) == 0


# --- wordings that changed -----------------------------------------------------------------


def new_wording(purpose, *, at: dt.datetime) -> ConsentText:
    version = purpose.texts.latest("version").version + 1
    return ConsentText.objects.create(
        purpose=purpose,
        version=version,
        question=f"Version {version}: may we take photos with you in them?",
        explanation="Only for our own wall.",
        published_at=at,
    )


def test_a_changed_wording_is_told_once_a_month_at_most(
    sam, sam_safe, maria, maria_membership, purposes
):
    for member in (sam, maria):
        services.consent_record(
            member=member, purpose=purposes["photos"], answer=Answer.YES, acting_user=member
        )
    services.consent_record(
        member=sam, purpose=purposes["named_credit"], answer=Answer.NO, acting_user=sam
    )
    december = dt.datetime(2026, 12, 3, 9, tzinfo=LONDON)
    new_wording(purposes["photos"], at=december)
    # Maria has answered the new wording already: nothing to read.
    services.consent_record(
        member=maria, purpose=purposes["photos"], answer=Answer.YES, acting_user=maria
    )
    Message.objects.all().delete()  # her receipts

    assert tell_members_of_changed_wordings.apply().get() == 1
    assert tell_members_of_changed_wordings.apply().get() == 0
    # Another wording she answered changed the same month: she was told this month.
    new_wording(purposes["named_credit"], at=december + dt.timedelta(days=5))
    assert services.wording_changes_notify() == 0
    (told,) = notices_of(sam, notices.WORDING_CHANGED)
    assert told.key == f"wording_changed:{sam.pk}:2026-12"
    assert told.channel == Channel.SMS
    assert revealing(told.body) == []

    # A new wording next month of one she answered: told again.
    new_wording(purposes["photos"], at=dt.datetime(2027, 1, 4, 9, tzinfo=LONDON))
    assert services.wording_changes_notify() == 2
    assert services.wording_changes_notify() == 0
    assert [m.key for m in notices_of(sam, notices.WORDING_CHANGED)][-1] == (
        f"wording_changed:{sam.pk}:2027-01"
    )
    # Maria answered December's wording: January's is the first she has to read.
    assert [(m.key, m.channel) for m in notices_of(maria, notices.WORDING_CHANGED)] == [
        (f"wording_changed:{maria.pk}:2027-01", Channel.PORTAL)
    ]


def test_nothing_to_read_once_she_answered_the_new_wording(sam, sam_safe, purposes):
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    new_wording(purposes["photos"], at=dt.datetime(2026, 12, 3, tzinfo=LONDON))
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.NO, acting_user=sam
    )
    assert services.wording_changes_notify() == 0


def test_no_changed_wording_notice_after_she_left(sam, sam_safe, sam_membership, purposes):
    services.consent_record(
        member=sam, purpose=purposes["photos"], answer=Answer.YES, acting_user=sam
    )
    new_wording(purposes["photos"], at=dt.datetime(2026, 12, 3, tzinfo=LONDON))
    leave(sam_membership)
    assert services.wording_changes_notify() == 0
    assert not notices_of(sam, notices.WORDING_CHANGED)


@pytest.mark.parametrize("count", [3, 40])
def test_telling_of_changed_wordings_costs_the_same_for_a_few_members_or_many(
    tuesday_group, purposes, count, django_assert_max_num_queries
):
    photos, recordings = purposes["photos"], purposes["recordings"]
    members = many_members(tuesday_group, count, confirmed_at=dt.datetime.now(tz=dt.UTC))
    for member, answer in itertools.product(members, (Answer.YES, Answer.NO)):
        for purpose in (photos, recordings):
            services.consent_record(
                member=member, purpose=purpose, answer=answer, acting_user=member
            )
    new_wording(photos, at=dt.datetime(2026, 12, 3, tzinfo=LONDON))
    # All but two have answered the new wording already.
    for member in members[2:]:
        services.consent_record(
            member=member, purpose=photos, answer=Answer.YES, acting_user=member
        )
    with django_assert_max_num_queries(12):
        assert services.wording_changes_notify() == 2
    with django_assert_max_num_queries(4):
        assert services.wording_changes_notify() == 0


def test_each_changed_wording_notice_costs_the_same_few_queries(
    tuesday_group, purposes, django_assert_max_num_queries
):
    members = many_members(tuesday_group, 20, confirmed_at=dt.datetime.now(tz=dt.UTC))
    for member in members:
        services.consent_record(
            member=member, purpose=purposes["photos"], answer=Answer.YES, acting_user=member
        )
    new_wording(purposes["photos"], at=dt.datetime(2026, 12, 3, tzinfo=LONDON))
    # Four reads, then four statements a notice (the outbox keeps each once by its key).
    with django_assert_max_num_queries(4 + 4 * len(members)):
        assert services.wording_changes_notify() == len(members)


# --- the words ------------------------------------------------------------------------


def every_notice() -> dict[str, object]:
    """Each kind of notice's words, as `notices_queue` is handed them."""
    at = dt.datetime(2026, 12, 8, 11, tzinfo=dt.UTC)
    question = "May we take photos with you in them at the session?"
    return {
        notices.CONSENT_RECEIPT: lambda her, clear: notices.consent_receipt_words(
            her, clear=clear, at=at, question=question, answer="Yes"
        ),
        notices.WORDING_CHANGED: notices.wording_changed_words,
        notices.CONFIRM_CONTACT: notices.confirm_contact_words,
        notices.AGREEMENT_NEW: lambda her, clear: notices.agreement_new_words(
            her, clear=clear, group_name="Tuesday group"
        ),
        notices.EXPORT_READY: notices.export_ready_words,
    }


@pytest.mark.parametrize(
    ("channels", "may_mention_group", "time_zone"),
    list(
        itertools.product(
            [[], [Channel.SMS], [Channel.EMAIL], [Channel.CALL, Channel.SMS]],
            [False, True],
            ["Europe/London", "America/New_York"],
        )
    ),
)
def test_no_notice_carries_a_revealing_word_unless_she_allowed_it(
    sam, sam_membership, channels, may_mention_group, time_zone
):
    safe_profile(sam, channels=channels, may_mention_group=may_mention_group, time_zone=time_zone)
    for kind, words in every_notice().items():
        notices.notices_queue(
            notices.members_to_tell([sam.pk]), kind=kind, key=lambda _her: kind, words=words
        )
    sent = Message.objects.filter(recipient=sam)
    assert sorted(m.kind for m in sent) == sorted(notices.KIND_LABELS)
    for message in sent:
        assert message.mentions_group is may_mention_group
        if may_mention_group:
            assert "Hearth" in message.subject and "Hearth" in message.body
        else:
            assert revealing(message.subject) == [], message.subject
            assert revealing(message.body) == [], message.body
            assert len(message.body) <= 160, message.body  # one text message


def test_the_word_test_can_fail():
    assert revealing("Your new group agreement") == ["group", "agreement"]


# --- asking for receipts ----------------------------------------------------------------


def contact_form(**extra) -> dict:
    return {
        "channels": ["sms"],
        "phone": "07700 900123",
        "safe_days": ["1", "2", "3"],
        "safe_from": "10:00",
        "safe_until": "14:00",
        "sender_name": "Jo",
        "time_zone": "Europe/London",
        **extra,
    }


def test_the_receipts_box_starts_unticked_in_plain_words():
    field = SafeContactForm.base_fields["wants_receipts"]
    assert field.initial is False and field.required is False
    assert str(field.label) == "Send me a note when I change what I agreed to"


def test_she_asks_for_receipts_where_she_sets_her_contact_choices(client, sam, sam_membership):
    client.force_login(sam)
    page = client.get(reverse("groups:my_contact")).content.decode()
    assert "Send me a note when I change what I agreed to" in page
    response = client.post(reverse("groups:my_contact"), contact_form(wants_receipts="on"))
    assert response.status_code == 302
    assert SafeContactProfile.objects.get(member=sam).wants_receipts is True
    client.post(reverse("groups:my_contact"), contact_form())
    assert SafeContactProfile.objects.get(member=sam).wants_receipts is False


def test_the_receipts_box_shows_what_she_chose(client, sam, sam_membership):
    safe_profile(sam, wants_receipts=True)
    client.force_login(sam)
    form = client.get(reverse("groups:my_contact")).context["form"]
    assert form.initial["wants_receipts"] is True
