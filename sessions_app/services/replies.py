"""Text-message replies: matched to her by her number's keyed hash, understood as an
answer to her open check-in, "STOP" honoured at once. A number Hearth does not know
leaves no trace."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from coproduction.audit.services import audit_record
from coproduction.outbox.channels import Channel
from coproduction.outbox.services import message_queue
from groups.contact import profile_by_phone, profiles_by_phone
from groups.models import Membership, SafeContactProfile
from sessions_app import wording
from sessions_app.models import CheckIn
from sessions_app.services.checkins import checkin_answer
from sessions_app.services.support import her_staff, staff_email_queue

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
ANSWERS = {
    CheckIn.Answer.OK: {"1", "one", "ok", "okay", "fine", "good"},
    CheckIn.Answer.NOT_GREAT: {"2", "two", "not great", "not good", "bad"},
    CheckIn.Answer.PLEASE_CALL: {"3", "three", "call", "please call", "call me", "help"},
}


def understood(text: str) -> str | None:
    """Her reply as one of the three answers ("1.", "One!", " ok " alike), or None."""
    said = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    for answer, words in ANSWERS.items():
        if said in words:
            return answer
    return None


def reply_receive(*, number: str, text: str, now: dt.datetime | None = None) -> str:
    """Take one text-message reply from `number`. Returns what was done: "unknown" (no
    one of ours: nothing stored), "stopped", "answered", "sorry" (not understood: one
    neutral answer per check-in, through the gate), or "nothing" (nothing to answer).
    The same reply delivered twice has one effect."""
    now = now or timezone.now()
    if " ".join(text.lower().split()) in STOP_WORDS:
        # From a phone two members share, STOP is honoured for both: no text may go on
        # to a number whose holder asked for none.
        everyone = profiles_by_phone(number)
        for holder in everyone:
            sms_stop(profile=holder, now=now)
        return "stopped" if everyone else "unknown"
    profile = profile_by_phone(number)
    if profile is None:
        return "unknown"
    member = profile.member
    checkin = CheckIn.objects.open().filter(member=member).first()
    if checkin is None:
        return "nothing"
    answer = understood(text)
    if answer is not None:
        checkin_answer(checkin=checkin, answer=answer, via=CheckIn.Via.SMS, now=now)
        return "answered"
    message_queue(
        recipient=member,
        kind=wording.CHECKIN_SORRY,
        channel=Channel.SMS,
        body=wording.checkin_sorry_text(),
        key=f"checkin_sorry:{checkin.pk}",
    )
    return "sorry"


def sms_stop(*, profile: SafeContactProfile, now: dt.datetime) -> None:
    """She texted STOP: texts are off in her profile at once (the gate holds any still
    waiting), and her facilitators are told, with nothing of hers, once a day."""
    with transaction.atomic():
        locked = SafeContactProfile.objects.select_for_update().get(pk=profile.pk)
        if Channel.SMS not in locked.channels:
            return
        locked.channels = [c for c in locked.channels if c != Channel.SMS]
        locked.save(update_fields=["channels"])
        audit_record(
            actor=profile.member, action="safe_contact.sms_stop", subject=locked,
            subject_user=profile.member,
        )  # fmt: skip
        for person in her_staff(profile.member, Membership.Role.FACILITATOR):
            staff_email_queue(
                person,
                kind=wording.SMS_STOPPED,
                words=wording.sms_stopped_text(),
                key=f"sms_stop:{profile.pk}:{now.date().isoformat()}:{person.pk}",
            )
