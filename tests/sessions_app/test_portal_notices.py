"""Notes the outbox leaves on her home page: a change to her choices for a week, her
download while it is kept, the newest of each kind; and what the group's Messages page
leaves out: her sign-in codes and resets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduction.accounts.mail import ACCOUNT_MAIL, SIGN_IN_CODE
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups import notices

pytestmark = pytest.mark.django_db

CHANGED = "One of your choices changed on"
READY = "Your download is ready."


def left_on_her_home(member, kind: str, *, ago: dt.timedelta, key: str, channel=Channel.PORTAL):
    at = timezone.now() - ago
    return Message.objects.create(
        recipient=member, kind=kind, channel=channel, body="A note", key=key,
        status=Message.Status.SENT, sent_at=at, due_at=at,
    )  # fmt: skip


def home(client, member) -> str:
    client.force_login(member)
    return client.get(reverse("member_home")).content.decode()


def test_a_change_to_her_choices_and_her_download_show_on_her_home(client, sam, sam_safe):
    left_on_her_home(sam, notices.CONSENT_RECEIPT, ago=dt.timedelta(days=2), key="a")
    left_on_her_home(sam, notices.EXPORT_READY, ago=dt.timedelta(hours=1), key="b")
    page = home(client, sam)
    assert CHANGED in page and READY in page
    assert page.index(READY) < page.index(CHANGED), "newest first"
    assert reverse("consent:my_data") in page and reverse("consent:my_choices") in page


def test_ten_changes_are_one_note_and_old_ones_go(client, sam, sam_safe):
    for index in range(10):
        left_on_her_home(
            sam, notices.CONSENT_RECEIPT, ago=dt.timedelta(hours=index), key=f"r{index}"
        )
    left_on_her_home(sam, notices.EXPORT_READY, ago=dt.timedelta(days=2), key="old download")
    page = home(client, sam)
    assert page.count(CHANGED) == 1
    assert READY not in page


def test_a_week_old_change_is_gone_and_other_channels_are_not_notes(client, sam, sam_safe):
    left_on_her_home(sam, notices.CONSENT_RECEIPT, ago=dt.timedelta(days=8), key="old")
    left_on_her_home(
        sam, notices.CONSENT_RECEIPT, ago=dt.timedelta(hours=1), key="sms", channel=Channel.SMS
    )
    assert CHANGED not in home(client, sam)


def test_nobody_elses_notes(client, sam, sam_safe, maria):
    left_on_her_home(maria, notices.EXPORT_READY, ago=dt.timedelta(hours=1), key="hers")
    assert READY not in home(client, sam)


def test_the_messages_page_leaves_out_her_sign_in_codes_and_resets(
    client, helen, helen_fac, tuesday_group, sam, sam_safe
):
    for kind in (SIGN_IN_CODE, ACCOUNT_MAIL, "checkin"):
        Message.objects.create(
            recipient=sam, kind=kind, channel=Channel.SMS, body="", key=f"k:{kind}"
        )
    client.force_login(helen)
    page = client.get(reverse("sessions_app:group_outbox", args=[tuesday_group.pk]))
    assert [row["message"].kind for row in page.context["rows"]] == ["checkin"]
