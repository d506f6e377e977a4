"""Text-message replies through each provider's webhook: the provider proven or 403,
her number found by its keyed hash, "1 / 2 / 3" understood, anything else answered once,
"STOP" honoured, and an unknown number leaving nothing behind."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from coproduction.audit.models import AuditEvent
from coproduction.outbox.models import Message
from groups.models import SafeContactProfile
from sessions_app.models import CheckIn, CheckInPlan, SupportRequest
from sessions_app.services.replies import understood

TOKEN = "twilio-test-token"
NOTIFY = "notify-inbound-token"
TWILIO_URL = "http://testserver/inbound/twilio/"


@pytest.fixture(autouse=True)
def providers(settings):
    settings.HEARTH_TWILIO_AUTH_TOKEN = TOKEN
    settings.HEARTH_NOTIFY_INBOUND_TOKEN = NOTIFY


@pytest.fixture
def open_checkin(sam, sam_safe):
    plan = CheckInPlan.objects.create(member=sam, rhythm="weekly", channel="sms")
    sent = Message.objects.create(
        recipient=sam, kind="checkin", channel="sms", body="Hi Sam", key="checkin:x",
        status=Message.Status.SENT,
    )  # fmt: skip
    return CheckIn.objects.create(plan=plan, member=sam, on_date=dt.date(2026, 12, 8), message=sent)


def twilio(client, body: str, number: str = "+447700900123", signature: str | None = None):
    data = {"From": number, "Body": body, "MessageSid": "SM1"}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(TWILIO_URL, data)
    return client.post(
        reverse("sessions_app:twilio_reply"), data, HTTP_X_TWILIO_SIGNATURE=signature
    )


def notify(client, body: str, number: str = "447700900123", token: str = NOTIFY):
    return client.post(
        reverse("sessions_app:notify_reply"),
        json.dumps({"id": "n1", "source_number": number, "message": body}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_her_number_is_found_by_its_hash_however_it_is_written(sam_safe):
    assert sam_safe.phone_hash
    assert SafeContactProfile.objects.get(pk=sam_safe.pk).phone_hash == sam_safe.phone_hash
    other = SafeContactProfile(phone="+44 7700 900123")
    other.save = None  # not saved: only its hash is compared
    from groups.models import hashes_follow, international_phone

    hashes_follow(other, (("phone", "phone_hash", international_phone),))
    assert other.phone_hash == sam_safe.phone_hash


@pytest.mark.parametrize(
    ("text", "answer"),
    [("1", "ok"), ("1.", "ok"), (" One! ", "ok"), ("OK", "ok"), ("2", "not_great"),
     ("two", "not_great"), ("Not great", "not_great"), ("3", "please_call"),
     ("please call", "please_call"), ("hello?", None), ("12", None), ("", None)],
)  # fmt: skip
def test_common_ways_of_answering_are_understood(text, answer):
    assert understood(text) == answer


@pytest.mark.parametrize("send", [twilio, notify])
def test_a_reply_answers_her_open_check_in_once(client, open_checkin, send):
    assert send(client, "2.").status_code in (200, 204)
    assert send(client, "1").status_code in (200, 204)
    open_checkin.refresh_from_db()
    assert (open_checkin.answer, open_checkin.answered_via) == ("not_great", "sms")


def test_three_opens_a_support_request(client, open_checkin, sam_asks_dee):
    twilio(client, "3")
    assert SupportRequest.objects.get().source == SupportRequest.Source.CHECKIN


def test_a_reply_not_understood_gets_one_neutral_answer(client, open_checkin):
    twilio(client, "what is this?")
    twilio(client, "what is this?")
    sorry = Message.objects.filter(kind="checkin_sorry")
    assert [(m.recipient_id, m.body, m.channel) for m in sorry] == [
        (open_checkin.member_id, "Sorry, please reply 1, 2 or 3", "sms")
    ]
    open_checkin.refresh_from_db()
    assert open_checkin.answer == ""


def test_an_unknown_number_leaves_nothing_behind(client, open_checkin):
    before = (Message.objects.count(), AuditEvent.objects.count(), SupportRequest.objects.count())
    assert twilio(client, "3", number="+447700900999").status_code == 200
    assert notify(client, "STOP", number="447700900999").status_code == 204
    after = (Message.objects.count(), AuditEvent.objects.count(), SupportRequest.objects.count())
    assert after == before


def test_a_reply_from_a_phone_two_members_share_is_nobodys_but_stop_is_both(
    client, open_checkin, maria
):
    # Which of them answered cannot be known: nothing is stored, as for an unknown number.
    SafeContactProfile.objects.create(member=maria, channels=["sms"], phone="07700 900123")
    before = (Message.objects.count(), AuditEvent.objects.count())
    assert twilio(client, "3").status_code == 200
    assert (Message.objects.count(), AuditEvent.objects.count()) == before
    open_checkin.refresh_from_db()
    assert open_checkin.answer == ""
    # Whoever holds the phone asked for no more texts: neither is texted again.
    twilio(client, "STOP")
    assert [p.channels for p in SafeContactProfile.objects.order_by("pk")] == [[], []]


def test_stop_turns_texts_off_and_tells_her_facilitators_once(
    client, open_checkin, helen_fac, helen
):
    twilio(client, "STOP")
    twilio(client, "stop")
    safe = SafeContactProfile.objects.get(member=open_checkin.member)
    assert "sms" not in safe.channels
    told = Message.objects.filter(kind="sms_stopped")
    assert [m.recipient for m in told] == [helen]
    assert "Sam" not in told[0].body
    assert AuditEvent.objects.filter(action="safe_contact.sms_stop").count() == 1


@pytest.mark.parametrize(
    "signature",
    ["", "not-a-signature", RequestValidator("wrong").compute_signature(TWILIO_URL, {})],
)
def test_twilio_without_its_signature_is_refused(client, open_checkin, signature):
    assert twilio(client, "1", signature=signature).status_code == 403
    open_checkin.refresh_from_db()
    assert open_checkin.answer == ""


@pytest.mark.parametrize("token", ["", "wrong"])
def test_notify_without_its_token_is_refused(client, open_checkin, token):
    assert notify(client, "1", token=token).status_code == 403


def test_with_no_provider_set_up_every_reply_is_refused(client, settings, open_checkin):
    settings.HEARTH_TWILIO_AUTH_TOKEN = ""
    settings.HEARTH_NOTIFY_INBOUND_TOKEN = ""
    assert twilio(client, "1").status_code == 403
    assert notify(client, "1", token="").status_code == 403


def test_a_malformed_notify_callback_is_a_bad_request(client, open_checkin):
    response = client.post(
        reverse("sessions_app:notify_reply"), "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {NOTIFY}",
    )  # fmt: skip
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["sessions_app:twilio_reply", "sessions_app:notify_reply"])
def test_the_webhooks_take_posts_only(client, name):
    assert client.get(reverse(name)).status_code == 405
