"""Signing in by a code sent as a text message, for a member who said texts are safe:
allauth's phone support on her safe-contact profile, the code through the outbox."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from coproduction.accounts.mail import SIGN_IN_CODE
from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import Membership, SafeContactProfile
from tests.factories import CoproGroupFactory, StaffFactory

CODE = re.compile(r"^Your code is: (\S+)$")
SAMS_NUMBER = "07700 900123"


@pytest.fixture(autouse=True)
def texts(settings):
    settings.HEARTH_OUTBOX_BACKENDS = {
        **settings.HEARTH_OUTBOX_BACKENDS,
        "sms": "coproduction.outbox.backends.MemoryBackend",
    }
    MemoryBackend.sent.clear()
    yield MemoryBackend.sent
    MemoryBackend.sent.clear()


@pytest.fixture
def sam_by_text(sam):
    """Sam allows texts only, from "Jo"; her window is narrow, and a code need not wait."""
    Membership.objects.create(
        user=sam, group=CoproGroupFactory(), role=Membership.Role.MEMBER,
        status=Membership.Status.ACTIVE,
    )  # fmt: skip
    return SafeContactProfile.objects.create(
        member=sam, channels=[Channel.SMS], phone=SAMS_NUMBER, sender_name="Jo", safe_days=[]
    )


def ask(client, login: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_request_login_code"), {"login": login})


@pytest.mark.parametrize("written", [SAMS_NUMBER, "+44 7700 900123", "0044-7700-900123"])
def test_sam_gets_her_code_by_text_and_signs_in_with_it(client, sam_by_text, texts, written):
    response = ask(client, written)
    assert response["Location"] == reverse("account_confirm_login_code")
    [(key, to, sender, body)] = texts
    assert (to, sender) == (SAMS_NUMBER, "Jo")
    assert key.startswith(f"{SIGN_IN_CODE}:{sam_by_text.member_id}:")
    code = CODE.match(body).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == sam_by_text.member_id


def test_a_new_code_goes_by_text_too(client, sam_by_text, texts):
    ask(client, SAMS_NUMBER)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    assert [to for _, to, _, _ in texts] == [SAMS_NUMBER, SAMS_NUMBER]
    assert texts[0][3] != texts[1][3]


def test_by_her_email_address_sam_gets_nothing_she_allowed_texts_only(
    client, sam_by_text, texts, mailoutbox
):
    response = ask(client, "sam@example.org")
    assert response["Location"] == reverse("account_confirm_login_code")
    assert texts == [] and mailoutbox == []
    assert not Message.objects.exists()


def test_a_number_she_has_not_allowed_texts_to_gets_nothing(client, sam_by_text, texts):
    sam_by_text.channels = [Channel.EMAIL]
    sam_by_text.save()
    ask(client, SAMS_NUMBER)
    assert texts == []
    assert not Message.objects.exists()


@pytest.mark.parametrize("number", ["07700 900999", "07700 900456"])
def test_an_unknown_number_or_a_staff_members_gets_nothing_and_the_same_page(
    client, sam_by_text, texts, number
):
    staff = StaffFactory(username="wendy")
    SafeContactProfile.objects.create(member=staff, channels=[Channel.SMS], phone="07700 900456")
    response = ask(client, number)
    assert response["Location"] == reverse("account_confirm_login_code")
    assert texts == []
    assert not Message.objects.exists()


@pytest.mark.parametrize("given", ["hello", "123", "1" * 20, "not an @ address"])
def test_what_is_neither_an_address_nor_a_number_gets_a_clear_message(db, client, given):
    response = client.post(reverse("account_request_login_code"), {"login": given})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Type an email address, or a mobile number such as 07700 900123." in page or (
        "Enter a valid email address." in page
    )


def test_an_empty_box_says_what_to_do(db, client):
    response = client.post(reverse("account_request_login_code"), {"login": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_codes_by_text_are_rate_limited_per_number_however_it_is_written(sam_by_text, texts):
    # Three codes a minute per number (ACCOUNT_RATE_LIMITS), whichever browser asks.
    for written in (SAMS_NUMBER, "+447700900123", "07700900123"):
        assert ask(Client(), written).status_code == 302
    response = ask(Client(), "+44 7700 900 123")
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(texts) == 3


def test_a_phone_two_members_share_gets_no_code(client, sam_by_text, maria, texts):
    # Shared and borrowed phones are common here: a code to it could be read by either.
    SafeContactProfile.objects.create(member=maria, channels=[Channel.SMS], phone="+447700900123")
    ask(client, SAMS_NUMBER)
    assert texts == []
    assert not Message.objects.exists()
