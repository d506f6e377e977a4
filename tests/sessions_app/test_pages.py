"""Every page of support between sessions: it works; an outsider gets 404; a wrong role
gets 403; the wrong method is refused; and a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from coproduction.outbox.models import Message
from sessions_app import services
from sessions_app.models import CheckIn, CheckInPlan, SupportRequest
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam_client(client, sam, sam_safe):
    client.force_login(sam)
    return client


def sent_checkin(sam) -> CheckIn:
    plan = CheckInPlan.objects.create(member=sam, rhythm="weekly", channel="portal")
    message = Message.objects.create(
        recipient=sam, kind="checkin", channel="portal", body="Hi Sam", key=f"c:{plan.pk}",
        status=Message.Status.SENT,
    )  # fmt: skip
    return CheckIn.objects.create(
        plan=plan, member=sam, on_date=dt.date(2026, 12, 8), message=message
    )


def test_home_offers_i_need_support_and_her_open_check_in(sam_client, sam):
    checkin = sent_checkin(sam)
    page = sam_client.get(reverse("member_home")).content.decode()
    assert reverse("sessions_app:my_support") in page
    assert reverse("sessions_app:my_checkin_answer", args=[checkin.pk]) in page


def test_sam_answers_a_check_in_in_one_tap(sam_client, sam):
    checkin = sent_checkin(sam)
    url = reverse("sessions_app:my_checkin_answer", args=[checkin.pk])
    assert sam_client.get(url).status_code == 200
    response = sam_client.post(url, {"answer": "not_great"})
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.answer, checkin.answered_via) == ("not_great", "portal")
    # Again: nothing changes, and the page says what she said.
    sam_client.post(url, {"answer": "ok"})
    checkin.refresh_from_db()
    assert checkin.answer == "not_great"
    assert "Not great" in sam_client.get(url).content.decode()


def test_a_bad_answer_is_a_clear_message(sam_client, sam):
    url = reverse("sessions_app:my_checkin_answer", args=[sent_checkin(sam).pk])
    response = sam_client.post(url, {"answer": "nonsense"})
    assert response.status_code == 200
    assert "Please choose one." in response.content.decode()


def test_please_call_takes_her_to_who_will_hear(sam_client, sam, sam_asks_dee):
    url = reverse("sessions_app:my_checkin_answer", args=[sent_checkin(sam).pk])
    response = sam_client.post(url, {"answer": "please_call"})
    assert response["Location"] == reverse("sessions_app:my_support_asked")
    assert "We will tell Dee Okafor" in sam_client.get(response["Location"]).content.decode()


def test_another_members_check_in_is_404(client, sam, maria, maria_membership):
    client.force_login(maria)
    url = reverse("sessions_app:my_checkin_answer", args=[sent_checkin(sam).pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "ok"}).status_code == 404


def test_i_need_support_once_however_often_pressed(sam_client, sam, sam_asks_dee):
    url = reverse("sessions_app:my_support")
    page = sam_client.get(url).content.decode()
    assert "We will tell Dee Okafor" in page
    assert sam_client.post(url).status_code == 302
    assert sam_client.post(url).status_code == 302
    assert SupportRequest.objects.filter(member=sam).count() == 1
    assert sam_client.get(url)["Location"] == reverse("sessions_app:my_support_asked")
    assert "You asked to be contacted" in sam_client.get(reverse("member_home")).content.decode()


def test_an_outside_contact_is_shown_with_how_to_reach_them(sam_client, sam, sam_safe):
    from groups.models import SupportContact

    SupportContact.objects.create(
        member=sam, kind="helpline", name="Nightline", channel="call", contact_detail="0800 123"
    )
    sam_client.post(reverse("sessions_app:my_support"))
    page = sam_client.get(reverse("sessions_app:my_support_asked")).content.decode()
    assert "Nightline" in page and "0800 123" in page


def test_the_check_in_screens_one_choice_each(sam_client, sam):
    step = lambda name: reverse("sessions_app:my_checkin_step", args=[name])  # noqa: E731
    assert sam_client.get(reverse("sessions_app:my_checkins")).status_code == 200
    assert sam_client.post(step("how-often"), {"rhythm": "weekly"})["Location"] == step("how")
    assert sam_client.post(step("how"), {"channel": "sms"})["Location"] == step("when")
    when = sam_client.get(step("when")).content.decode()
    assert "Saturday" not in when and "Tuesday" in when
    assert sam_client.post(step("when"), {"weekday": "2", "at_time": "11:30"})["Location"] == step(
        "words"
    )
    assert sam_client.post(step("words"), {"wording": "checking_in"})["Location"] == step(
        "if-no-answer"
    )
    done = sam_client.post(step("if-no-answer"), {"if_no_answer": "nothing", "no_answer_days": "2"})
    assert done["Location"] == reverse("sessions_app:my_checkins")
    plan = CheckInPlan.objects.get(member=sam)
    assert (plan.rhythm, plan.channel, plan.weekday, plan.at_time, plan.wording) == (
        "weekly", "sms", 2, dt.time(11, 30), "checking_in",
    )  # fmt: skip
    assert "Hi Sam, just checking in." in sam_client.get(done["Location"]).content.decode()


@pytest.mark.parametrize(
    ("step", "data", "says"),
    [
        ("how-often", {}, "Please choose one."),
        ("how", {"channel": "email"}, "Please choose one."),
        ("when", {"weekday": "5", "at_time": "10:00"}, "Please choose one."),
        ("when", {"weekday": "1", "at_time": "soon"}, "Please give a time"),
        ("when", {"weekday": "1", "at_time": "18:00"}, "safe days and times"),
        ("words", {"wording": "own", "own_words": ""}, "Please write your own words"),
    ],
)
def test_each_screen_says_what_to_fix_and_loses_nothing(sam_client, sam, step, data, says):
    services.checkin_plan_update(member=sam, acting_user=sam, rhythm="weekly", channel="sms")
    response = sam_client.post(reverse("sessions_app:my_checkin_step", args=[step]), data)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert CheckInPlan.objects.get(member=sam).weekday == 1


def test_an_unknown_step_is_404(sam_client):
    assert sam_client.get(reverse("sessions_app:my_checkin_step", args=["nope"])).status_code == 404


MEMBER_PAGES = [
    ("sessions_app:my_checkins", (), "get"),
    ("sessions_app:my_checkin_step", ("how-often",), "get"),
    ("sessions_app:my_support", (), "get"),
]


@pytest.mark.parametrize(("name", "args", "method"), MEMBER_PAGES)
def test_member_pages_refuse_staff_and_strangers(client, helen, name, args, method):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(helen)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [("sessions_app:my_checkins", ()), ("sessions_app:my_support_asked", ())],
)
def test_read_only_member_pages_refuse_posts(sam_client, name, args):
    assert sam_client.post(reverse(name, args=args)).status_code == 405


def test_staff_see_the_queue_and_acknowledge(
    client, sam, sam_asks_dee, dee, helen, helen_fac, tuesday_group
):
    request, _ = services.support_request_open(member=sam, source="button")
    client.force_login(dee)
    queue = reverse("sessions_app:support_queue", args=[tuesday_group.pk])
    page = client.get(queue).content.decode()
    assert "Sam" in page and "Acknowledge" in page
    assert AuditEvent.objects.filter(action="support_requests.view", actor=dee).exists()
    ack = reverse("sessions_app:support_acknowledge", args=[tuesday_group.pk, request.pk])
    assert client.get(ack).status_code == 200
    assert "Please say what was done" in client.post(ack, {}).content.decode()
    assert client.post(ack, {"what_was_done": "Called her."})["Location"] == queue
    request.refresh_from_db()
    assert request.acknowledged_by == dee
    assert client.get(ack).status_code == 404  # in hand: no longer open
    assert "Called her." in client.get(queue).content.decode()


def test_a_support_worker_sees_only_her_members_requests(
    client, sam, maria, maria_membership, sam_asks_dee, dee, tuesday_group
):
    services.support_request_open(member=sam, source="button")
    maria_asks, _ = services.support_request_open(member=maria, source="button")
    client.force_login(dee)
    page = client.get(reverse("sessions_app:support_queue", args=[tuesday_group.pk])).content
    assert b"Maria" not in page
    ack = reverse("sessions_app:support_acknowledge", args=[tuesday_group.pk, maria_asks.pk])
    assert client.get(ack).status_code == 403


def test_outsiders_get_404_and_members_403(client, tom, sam, sam_membership, tuesday_group):
    urls = [
        reverse("sessions_app:support_queue", args=[tuesday_group.pk]),
        reverse("sessions_app:group_outbox", args=[tuesday_group.pk]),
    ]
    client.force_login(tom)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(sam)
    assert [client.get(url).status_code for url in urls] == [403, 403]


def test_the_outbox_page_is_for_facilitators(client, dee, tuesday_group):
    client.force_login(dee)
    assert (
        client.get(reverse("sessions_app:group_outbox", args=[tuesday_group.pk])).status_code == 403
    )


def test_wrong_methods_are_refused(client, helen, helen_fac, tuesday_group):
    client.force_login(helen)
    assert (
        client.post(reverse("sessions_app:support_queue", args=[tuesday_group.pk])).status_code
        == 405
    )
    assert (
        client.post(reverse("sessions_app:group_outbox", args=[tuesday_group.pk])).status_code
        == 405
    )
    resolve = reverse("sessions_app:message_resolve", args=[tuesday_group.pk, 1])
    assert client.get(resolve).status_code == 405


def held_message(member, key="held") -> Message:
    return Message.objects.create(
        recipient=member, kind="checkin", channel="sms", body="Hi Sam, how are things?", key=key,
        status=Message.Status.HELD,
        last_error="She has not said this way of contacting her is safe.",
    )  # fmt: skip


def test_facilitators_see_held_messages_and_resolve_them(
    client, helen, helen_fac, sam, sam_membership, tuesday_group, sent_tasks
):
    message = held_message(sam)
    client.force_login(helen)
    page = client.get(
        reverse("sessions_app:group_outbox", args=[tuesday_group.pk])
    ).content.decode()
    assert "Could not reach her safely" in page and "She has not said this way" in page
    assert "how are things" not in page
    resolve = reverse("sessions_app:message_resolve", args=[tuesday_group.pk, message.pk])
    client.post(resolve, {"action": "retry"})
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    client.post(resolve, {"action": "cancel"})
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    client.post(resolve, {"action": "retry"})
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED


def test_another_groups_message_is_404(client, tom, aisha, sam, sam_membership, thursday_group):
    message = held_message(sam)
    client.force_login(tom)
    resolve = reverse("sessions_app:message_resolve", args=[thursday_group.pk, message.pk])
    assert client.post(resolve, {"action": "cancel"}).status_code == 404


@pytest.mark.parametrize("count", [5, 500])
def test_the_outbox_page_and_queue_cost_the_same_whatever_the_history(
    client, helen, helen_fac, tuesday_group, sam, sam_asks_dee, count, django_assert_max_num_queries
):
    Message.objects.bulk_create(
        Message(recipient=sam, kind="checkin", channel="sms", body="", key=f"k{i}")
        for i in range(count)
    )
    for _ in range(min(count, 20)):
        member = UserFactory()
        MembershipFactory(user=member, group=tuesday_group)
        SupportRequest.objects.create(member=member, source="button")
    client.force_login(helen)
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("sessions_app:group_outbox", args=[tuesday_group.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("sessions_app:support_queue", args=[tuesday_group.pk])).status_code
            == 200
        )


def test_her_information_page_shows_the_messages_we_sent_her(sam_client, sam, maria):
    Message.objects.create(
        recipient=sam, kind="checkin", channel="sms", body="Hi Sam, how are things?",
        key="a", status=Message.Status.SENT, sent_at=dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    Message.objects.create(recipient=sam, kind="checkin", channel="sms", body="Waiting", key="b")
    Message.objects.create(
        recipient=maria, kind="checkin", channel="email", body="Hi Maria", key="c",
        status=Message.Status.SENT, sent_at=dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    page = sam_client.get(reverse("consent:my_data")).content.decode()
    assert "Messages we sent you" in page and "Hi Sam, how are things?" in page
    assert "Waiting" not in page and "Hi Maria" not in page


def test_a_second_acknowledger_is_told_and_sent_back_to_the_queue(
    client, sam, sam_asks_dee, dee, helen, helen_fac, tuesday_group
):
    request, _ = services.support_request_open(member=sam, source="button")
    services.support_request_acknowledge(request=request, acting_user=dee, what_was_done="Called.")
    client.force_login(helen)
    ack = reverse("sessions_app:support_acknowledge", args=[tuesday_group.pk, request.pk])
    response = client.post(ack, {"what_was_done": "Called her too."}, follow=True)
    assert "Someone has already said this request is in hand." in response.content.decode()
    request.refresh_from_db()
    assert (request.acknowledged_by, request.what_was_done) == (dee, "Called.")
