"""The words of every message Hearth sends about support between sessions, one place
for each kind. A member's messages are neutral: nothing in them says what Hearth is
or why it writes (tests/sessions_app/test_wording.py renders each one with every
profile and fails on a revealing word). Staff messages name no member."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from coproduction.outbox.channels import Channel

# Kinds of message, as the outbox and the facilitators' pages name them.
CHECKIN = "checkin"
CHECKIN_SORRY = "checkin_sorry"
SUPPORT_TOLD = "support_told"
SUPPORT_REMINDER = "support_reminder"
SMS_STOPPED = "sms_stopped"
STAFF_REMINDER = "staff_reminder"
STAFF_DIGEST = "staff_digest"
HAND_ON = "hand_on"

KIND_LABELS = {
    CHECKIN: gettext_lazy("Check-in"),
    CHECKIN_SORRY: gettext_lazy("Reply not understood"),
    SUPPORT_TOLD: gettext_lazy("Support request, to her contact"),
    SUPPORT_REMINDER: gettext_lazy("Support request reminder"),
    SMS_STOPPED: gettext_lazy("Texts turned off, to facilitators"),
    STAFF_REMINDER: gettext_lazy("Reminder, to staff"),
    STAFF_DIGEST: gettext_lazy("Daily summary, to staff"),
    HAND_ON: gettext_lazy("Something to pass on, to her support worker"),
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


# --- reminders and the daily digest, to staff ------------------------------------------
# Counts only, and "please open Hearth": they go to a work address, but an email can be
# forwarded or read over a shoulder, so none names a member or carries anything of hers.


# What a reminder or digest counts, in the order a digest lists it.
THING_SUPPORT = "support"
THING_MESSAGES = "messages"
THING_TRAINING = "training"
THING_CONTACT = "contact"
THING_ERASURE = "erasure"
THING_AGREEMENT = "agreement"
THING_AGENDA = "agenda"
THING_NOTES = "notes"
STAFF_THINGS = (
    THING_SUPPORT,
    THING_MESSAGES,
    THING_TRAINING,
    THING_CONTACT,
    THING_ERASURE,
    THING_AGREEMENT,
    THING_AGENDA,
    THING_NOTES,
)

_STAFF_LINES = {
    THING_SUPPORT: ngettext_lazy(
        "%(count)d request to be contacted that nobody has taken in hand yet.",
        "%(count)d requests to be contacted that nobody has taken in hand yet.",
        "count",
    ),
    THING_MESSAGES: ngettext_lazy(
        "%(count)d message to a member was held or could not be sent.",
        "%(count)d messages to members were held or could not be sent.",
        "count",
    ),
    THING_TRAINING: ngettext_lazy(
        "%(count)d training record runs out within 30 days, or has run out.",
        "%(count)d training records run out within 30 days, or have run out.",
        "count",
    ),
    THING_CONTACT: ngettext_lazy(
        "%(count)d member's contact choices are due to be checked again.",
        "%(count)d members' contact choices are due to be checked again.",
        "count",
    ),
    THING_ERASURE: ngettext_lazy(
        "%(count)d request to erase information is waiting for you to confirm it.",
        "%(count)d requests to erase information are waiting for you to confirm them.",
        "count",
    ),
    THING_AGREEMENT: ngettext_lazy(
        "%(count)d member has not answered the current group agreement yet.",
        "%(count)d members have not answered the current group agreement yet.",
        "count",
    ),
    THING_AGENDA: ngettext_lazy(
        "%(count)d date is due to have its plan sent to members, and it is not published yet.",
        "%(count)d dates are due to have their plans sent to members, and are not published yet.",
        "count",
    ),
    THING_NOTES: ngettext_lazy(
        "%(count)d date's notes are not shared with members yet.",
        "%(count)d dates' notes are not shared with members yet.",
        "count",
    ),
}

_STAFF_SUBJECTS = {
    THING_SUPPORT: gettext_lazy("A request to be contacted is waiting"),
    THING_MESSAGES: gettext_lazy("Some messages to members did not go"),
    THING_TRAINING: gettext_lazy("Training to renew"),
    THING_CONTACT: gettext_lazy("Contact choices to check again"),
    THING_ERASURE: gettext_lazy("A request to erase information is waiting"),
    THING_AGREEMENT: gettext_lazy("The group agreement is waiting for answers"),
    THING_AGENDA: gettext_lazy("A plan to publish"),
    THING_NOTES: gettext_lazy("Notes to share"),
}


def _staff_ending() -> str:
    return " ".join(
        [
            _("Please open Hearth to see more."),
            _("You can choose how these emails come on the “Your reminders” page."),
        ]
    )


def staff_line(what: str, count: int) -> str:
    """One count, in a sentence: "3 messages to members were held or could not be sent."."""
    return _STAFF_LINES[what] % {"count": count}


def staff_reminder_text(what: str, count: int) -> tuple[str, str]:
    """One kind of thing waiting in her groups: how many, and where to see it."""
    return (
        str(_STAFF_SUBJECTS[what]),
        f"{staff_line(what, count)} {_staff_ending()}",
    )


def staff_digest_text(counts: dict[str, int]) -> tuple[str, str]:
    """Her daily summary: a line for each kind of thing waiting, and where to see them."""
    lines = [f"- {staff_line(what, counts[what])}" for what in STAFF_THINGS if counts.get(what)]
    return (
        _("What is waiting for you in Hearth today"),
        "\n".join(
            [
                _("Here is what is waiting for you in your groups today:"),
                "",
                *lines,
                "",
                _staff_ending(),
            ]
        ),
    )


def pass_on_text() -> tuple[str, str]:
    """To her support worker, when a message for her is to be passed on in person: no
    name, nothing of hers."""
    return (
        _("A message to pass on"),
        _(
            "A member you support has a message from Hearth for you to pass on in person. "
            "Please open Hearth to see who, and what it says."
        ),
    )
