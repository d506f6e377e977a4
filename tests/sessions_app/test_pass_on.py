""" "Through my support worker": a message for Precious becomes a task for Dee, who passes
it on in person; Dee is told by work e-mail with nothing of Precious's in it; nobody
else's worker sees it; done once, however often it is pressed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from coproduction.outbox import services as outbox
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import Membership, SafeContactProfile
from sessions_app import services, wording
from sessions_app.models import PassOn
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def precious(tuesday_group, dee):
    """Precious: no e-mail she checks; reached through Dee."""
    member = UserFactory(username="precious", first_name="Precious", email="")
    MembershipFactory(
        user=member, group=tuesday_group, role=Membership.Role.MEMBER, support_worker=dee
    )
    SafeContactProfile.objects.create(member=member, channels=[Channel.SUPPORT_WORKER])
    return member


def message_for(member, key="notice:1") -> Message:
    return outbox.message_queue(
        recipient=member,
        kind=wording.CHECKIN,
        channel=Channel.SUPPORT_WORKER,
        body=f"Hi {member.first_name}, how are things?",
        key=key,
    )


def deliver_all() -> None:
    for message_id in outbox.due_sweep():
        outbox.message_deliver(message_id=message_id)


def test_a_message_for_precious_becomes_a_task_for_dee_and_dee_is_told(precious, dee):
    message = message_for(precious)
    deliver_all()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    pass_on = PassOn.objects.get()
    assert (pass_on.member, pass_on.worker, pass_on.message) == (precious, dee, message)
    deliver_all()
    [(key, to, _sender, body)] = MemoryBackend.sent
    assert (key, to) == (f"passon:{pass_on.pk}", dee.email)
    assert "Precious" not in body and "how are things" not in body
    assert message.provider_ref == f"passon:{pass_on.pk}"


def test_sent_twice_it_is_one_task_and_one_email(precious, dee):
    message = message_for(precious)
    first = services.pass_on_create(message=message, worker=dee)
    again = services.pass_on_create(message=message, worker=dee)
    assert first == again
    assert PassOn.objects.count() == 1
    assert Message.objects.filter(kind=wording.HAND_ON).count() == 1


def test_with_no_support_worker_it_fails_and_facilitators_see_why(precious):
    Membership.objects.filter(user=precious).update(support_worker=None)
    message = message_for(precious)
    deliver_all()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "She has no support worker in Hearth to pass it on."
    assert not PassOn.objects.exists()


def test_while_she_has_stepped_back_nothing_is_passed_on(precious):
    Membership.objects.filter(user=precious).update(status=Membership.Status.STEPPED_BACK)
    message = message_for(precious)
    deliver_all()
    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert not PassOn.objects.exists()


def test_her_erasure_takes_the_task_with_her(precious, dee):
    message_for(precious)
    deliver_all()
    precious.delete()
    assert not PassOn.objects.exists()


def queue_url(group) -> str:
    return reverse("sessions_app:support_queue", args=[group.pk])


def done_url(group, pass_on) -> str:
    return reverse("sessions_app:pass_on_done", args=[group.pk, pass_on.pk])


@pytest.fixture
def task(precious, dee) -> PassOn:
    return services.pass_on_create(message=message_for(precious), worker=dee)


def test_dee_sees_what_to_pass_on_and_marks_it_done_once(client, tuesday_group, dee, task):
    client.force_login(dee)
    page = client.get(queue_url(tuesday_group)).content.decode()
    assert "To pass on" in page and "Hi Precious, how are things?" in page
    response = client.post(done_url(tuesday_group, task))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == dee and task.done_at is not None
    done_at = task.done_at
    client.post(done_url(tuesday_group, task))
    task.refresh_from_db()
    assert task.done_at == done_at
    assert AuditEvent.objects.filter(action="pass_on.done").count() == 1
    assert "Passed on by" in client.get(queue_url(tuesday_group)).content.decode()


def test_a_facilitator_of_her_group_may_mark_it_done(client, tuesday_group, helen, helen_fac, task):
    client.force_login(helen)
    assert "Hi Precious" in client.get(queue_url(tuesday_group)).content.decode()
    assert client.post(done_url(tuesday_group, task)).status_code == 302
    task.refresh_from_db()
    assert task.done_by == helen


def test_a_support_worker_who_does_not_support_her_sees_nothing_and_gets_403(
    client, tuesday_group, task
):
    other = StaffFactory(username="wendy")
    MembershipFactory(user=other, group=tuesday_group, role=Membership.Role.SUPPORT_WORKER)
    client.force_login(other)
    assert "Hi Precious" not in client.get(queue_url(tuesday_group)).content.decode()
    assert client.post(done_url(tuesday_group, task)).status_code == 403
    task.refresh_from_db()
    assert task.done_at is None


def test_another_groups_facilitator_gets_404(client, tom, thursday_group, task):
    client.force_login(tom)
    assert client.post(done_url(thursday_group, task)).status_code == 404


def test_a_member_is_refused_and_get_is_the_wrong_method(
    client, tuesday_group, dee, precious, task
):
    client.force_login(precious)
    assert client.post(done_url(tuesday_group, task)).status_code in (403, 404)
    client.force_login(dee)
    assert client.get(done_url(tuesday_group, task)).status_code == 405


def test_precious_can_choose_check_ins_through_dee(client, precious):
    client.force_login(precious)
    page = client.get(reverse("sessions_app:my_checkin_step", args=["how"])).content.decode()
    assert "My support worker asks me" in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_costs_the_same_whatever_is_to_pass_on(
    client, tuesday_group, dee, precious, count, django_assert_max_num_queries
):
    for index in range(count):
        pass_on = services.pass_on_create(
            message=message_for(precious, key=f"notice:{index}"), worker=dee
        )
        if index % 2:
            services.pass_on_done(pass_on=pass_on, acting_user=dee)
    client.force_login(dee)
    with django_assert_max_num_queries(16):
        page = client.get(queue_url(tuesday_group))
    assert page.content.decode().count("Hi Precious") == count
