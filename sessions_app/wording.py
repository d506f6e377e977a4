"""The words of every message Hearth sends about support between sessions, one place
for each kind. A member's messages are neutral: nothing in them says what Hearth is
or why it writes (tests/sessions_app/test_wording.py renders each one with every
profile and fails on a revealing word). Staff messages name no member."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduction.outbox.channels import Channel

# Kinds of message, as the outbox and the facilitators' pages name them.
CHECKIN = "checkin"
CHECKIN_SORRY = "checkin_sorry"
SUPPORT_TOLD = "support_told"
SUPPORT_REMINDER = "support_reminder"
SMS_STOPPED = "sms_stopped"

KIND_LABELS = {
    CHECKIN: gettext_lazy("Check-in"),
    CHECKIN_SORRY: gettext_lazy("Reply not understood"),
    SUPPORT_TOLD: gettext_lazy("Support request, to her contact"),
    SUPPORT_REMINDER: gettext_lazy("Support request reminder"),
    SMS_STOPPED: gettext_lazy("Texts turned off, to facilitators"),
}


def default_reply() -> str:
    return _("Reply 1 OK, 2 not great, 3 please call")


def checkin_subject() -> str:
    return _("Hello")


def checkin_opening(plan, *, name: str) -> str:
    """Her check-in's words as she chose them: her own, or a neutral wording with her
    name in (the first one, if she chose her own words but has not written them)."""
    if plan.wording == plan.Wording.OWN and plan.own_words:
        return plan.own_words
    wording = plan.Wording(plan.wording)
    if wording == plan.Wording.OWN:
        wording = plan.Wording.HOW_ARE_THINGS
    return str(wording.label) % {"name": name}


def checkin_text(plan, *, name: str, reply_word: str = "") -> str:
    """Her check-in in the words she chose, and how to answer it by its channel: by text
    her own reply words if she gave some, otherwise the three numbers."""
    opening = checkin_opening(plan, name=name)
    if plan.channel == Channel.SMS:
        return f"{opening} {reply_word or default_reply()}"
    return f"{opening} " + _("You can answer when you next sign in.")


def checkin_sorry_text() -> str:
    return _("Sorry, please reply 1, 2 or 3")


def support_told_text() -> tuple[str, str]:
    """To the staff member she chose (or her support worker): no name, nothing of hers."""
    return (
        _("A member asked to be contacted"),
        _(
            "A member you support asked to be contacted. Please open Hearth to see who, "
            "and how she would like to be reached."
        ),
    )


def support_reminder_text() -> tuple[str, str]:
    """To the group's facilitators, until someone acknowledges the request."""
    return (
        _("A request to be contacted is still waiting"),
        _(
            "A member asked to be contacted and nobody has said yet that it is in hand. "
            "Please open Hearth."
        ),
    )


def sms_stopped_text() -> tuple[str, str]:
    """To her facilitators when she texts STOP: no name, nothing of hers."""
    return (
        _("A member turned off text messages"),
        _(
            "A member replied STOP, so Hearth will not text her again. Please open Hearth "
            "to see who, and the other ways she may be reached."
        ),
    )
