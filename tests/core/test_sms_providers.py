"""The text-message providers, through their real client libraries, against stub
providers on loopback (tests/core/sms_stubs.py): what each sends, from whom, and which
of their errors are tried again."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduction.outbox import services
from coproduction.outbox.backends import (
    NotifySMSBackend,
    SendFailed,
    TwilioSMSBackend,
    key_digest,
)
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import SafeContactProfile
from tests.core import sms_stubs
from tests.factories import CoproGroupFactory, MembershipFactory

CHECK_IN = "Hi Sam, how are things? Reply 1 OK, 2 not great, 3 please call"


@pytest.fixture
def stub(settings):
    with sms_stubs.running() as stub:
        settings.HEARTH_NOTIFY_API_KEY = sms_stubs.NOTIFY_KEY
        settings.HEARTH_NOTIFY_SMS_TEMPLATE = "template-with-only-body"
        settings.HEARTH_NOTIFY_BASE_URL = stub.base_url
        settings.HEARTH_TWILIO_ACCOUNT_SID = sms_stubs.TWILIO_SID
        settings.HEARTH_TWILIO_AUTH_TOKEN = sms_stubs.TWILIO_TOKEN
        settings.HEARTH_TWILIO_FROM = "+447700900000"
        settings.HEARTH_TWILIO_BASE_URL = stub.base_url
        yield stub


@pytest.fixture
def message(sam):
    return Message.objects.create(
        recipient=sam, kind="checkin", channel=Channel.SMS, body=CHECK_IN, key="checkin:1:x"
    )


def test_notify_sends_her_words_with_the_messages_reference(stub, message):
    reference = NotifySMSBackend().send(message, to="07700 900123", sender="Jo")
    assert reference
    assert stub.received == [
        {
            "phone_number": "07700 900123",
            "template_id": "template-with-only-body",
            "personalisation": {"body": CHECK_IN},
            "reference": key_digest(message),
        }
    ]


def test_twilio_sends_from_her_sender_name_when_it_can_be_one(stub, message):
    assert TwilioSMSBackend().send(message, to="+447700900123", sender="Jo").startswith("SM")
    assert TwilioSMSBackend().send(message, to="+447700900123", sender="Jo's phone!")
    assert TwilioSMSBackend().send(message, to="+447700900123", sender="")
    assert [(m["To"], m["From"], m["Body"]) for m in stub.received] == [
        ("+447700900123", "Jo", CHECK_IN),
        ("+447700900123", "+447700900000", CHECK_IN),
        ("+447700900123", "+447700900000", CHECK_IN),
    ]


@pytest.mark.parametrize("backend", [NotifySMSBackend, TwilioSMSBackend])
@pytest.mark.parametrize(("status", "permanent"), [(500, False), (429, False), (400, True)])
def test_a_busy_provider_is_tried_again_a_refusal_is_final(
    stub, message, backend, status, permanent
):
    stub.answer = status
    with pytest.raises(SendFailed) as failed:
        backend().send(message, to="+447700900123", sender="Jo")
    assert failed.value.permanent is permanent
    assert str(status) in failed.value.reason
    assert stub.received == []


@pytest.mark.parametrize("backend", [NotifySMSBackend, TwilioSMSBackend])
def test_wrong_credentials_are_refused_by_the_provider_and_final(stub, message, backend, settings):
    settings.HEARTH_NOTIFY_API_KEY = sms_stubs.NOTIFY_KEY[:-4] + "ffff"
    settings.HEARTH_TWILIO_AUTH_TOKEN = "not-the-token"
    with pytest.raises(SendFailed) as failed:
        backend().send(message, to="+447700900123", sender="Jo")
    assert failed.value.permanent
    assert stub.received == []


@pytest.mark.parametrize("backend", [NotifySMSBackend, TwilioSMSBackend])
def test_an_unreachable_provider_is_tried_again(settings, message, backend):
    with sms_stubs.running() as gone:
        address = gone.base_url
    settings.HEARTH_NOTIFY_API_KEY = sms_stubs.NOTIFY_KEY
    settings.HEARTH_NOTIFY_SMS_TEMPLATE = "t"
    settings.HEARTH_NOTIFY_BASE_URL = address
    settings.HEARTH_TWILIO_ACCOUNT_SID = sms_stubs.TWILIO_SID
    settings.HEARTH_TWILIO_AUTH_TOKEN = sms_stubs.TWILIO_TOKEN
    settings.HEARTH_TWILIO_BASE_URL = address
    with pytest.raises(SendFailed) as failed:
        backend().send(message, to="+447700900123", sender="Jo")
    assert not failed.value.permanent


@pytest.mark.parametrize("backend", [NotifySMSBackend, TwilioSMSBackend])
def test_a_provider_not_set_up_fails_for_good(settings, message, backend):
    settings.HEARTH_NOTIFY_API_KEY = ""
    settings.HEARTH_TWILIO_ACCOUNT_SID = ""
    with pytest.raises(SendFailed) as failed:
        backend().send(message, to="+447700900123", sender="Jo")
    assert failed.value.permanent


def test_sams_check_in_goes_through_the_outbox_to_twilio_from_jo(stub, sam, settings):
    settings.HEARTH_OUTBOX_BACKENDS = {"sms": "coproduction.outbox.backends.TwilioSMSBackend"}
    MembershipFactory(user=sam, group=CoproGroupFactory())
    SafeContactProfile.objects.create(
        member=sam, channels=[Channel.SMS], phone="+447700900123", safe_days=[1, 2, 3],
        safe_from=dt.time(10), safe_until=dt.time(14), sender_name="Jo",
    )  # fmt: skip
    tuesday = dt.datetime(2026, 12, 8, 10, 30, tzinfo=dt.UTC)
    message = services.message_queue(
        recipient=sam, kind="checkin", channel=Channel.SMS, body=CHECK_IN, key="checkin:7",
        due_at=tuesday,
    )  # fmt: skip
    assert services.message_deliver(message_id=message.pk, now=tuesday) == Message.Status.SENT
    message.refresh_from_db()
    assert message.provider_ref.startswith("SM")
    assert [(m["To"], m["From"], m["Body"]) for m in stub.received] == [
        ("+447700900123", "Jo", CHECK_IN)
    ]
