"""What the consent pages show, as plain values: counts for planning, rows of answers,
lines of history, who sees a contribution. Views ask for these and render them; nothing
here reads the request or writes anything.

What a page may show is still decided by `consent.policy` alone: these functions only
put its answers into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consent import policy
from consent.forms.staff import STAFF_KINDS
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    Contribution,
    ErasureRequest,
    Visibility,
)
from coproduction.core import dates
from groups.models import Membership, preferred_name
from groups.summaries import staff_name, status_text

# --- staff: everyone's answers ---------------------------------------------------------


def _worded(purpose: ConsentPurpose, attribute: str) -> str:
    """The newest of its wordings that says `attribute` (a new version may leave it blank
    and keep the last one's), or "" if none does."""
    return next(
        (getattr(text, attribute) for text in purpose.versions if getattr(text, attribute)), ""
    )


@dataclass
class PurposeCount:
    """How many of the members shown said yes, ask each time, or no, to one purpose."""

    purpose: ConsentPurpose
    label: str
    question: str
    agreed_to: str
    yes: int = 0
    ask: int = 0
    no: int = 0

    @classmethod
    def of(cls, purpose: ConsentPurpose) -> PurposeCount:
        """A count at zero, with the purpose's short wordings for staff."""
        question = purpose.versions[0].question
        return cls(
            purpose=purpose,
            label=_worded(purpose, "short_label") or question,
            question=question,
            agreed_to=_worded(purpose, "agreed_to"),
        )

    def add(self, answer: str) -> None:
        if answer == Answer.YES:
            self.yes += 1
        elif answer == Answer.ASK:
            self.ask += 1
        else:
            self.no += 1

    @property
    def agreed(self) -> str:
        """ "3 members agreed to be photographed"."""
        if self.agreed_to:
            return ngettext(
                "%(count)d member %(agreed_to)s",
                "%(count)d members %(agreed_to)s",
                self.yes,
            ) % {"count": self.yes, "agreed_to": self.agreed_to}
        return ngettext(
            "%(count)d member said yes to “%(question)s”",
            "%(count)d members said yes to “%(question)s”",
            self.yes,
        ) % {"count": self.yes, "question": self.question}

    @property
    def ask_each_time(self) -> str:
        return ngettext(
            "%(count)d asked to be asked each time",
            "%(count)d asked to be asked each time",
            self.ask,
        ) % {"count": self.ask}

    @property
    def said_no(self) -> str:
        return ngettext(
            "%(count)d said no or have not answered",
            "%(count)d said no or have not answered",
            self.no,
        ) % {"count": self.no}


@dataclass
class ChoicesRow:
    """One member in the table of answers: her name, her status unless active, the
    address of her page and her answer to each purpose, in the order of the counts."""

    membership_id: int
    name: str
    status: str
    url: str
    answers: list[str] = field(default_factory=list)
    cells: str = ""


def name_of(preferred: str | None, first_name: str | None, default: str = "A member") -> str:
    """`groups.models.preferred_name` for a row read as values, not as a user object."""
    return preferred or first_name or default


def group_choices_table(
    members: Iterable[dict[str, Any]],
    purposes: list[ConsentPurpose],
    answers: dict[int, dict[str, str]],
    *,
    group_id: int,
) -> tuple[list[ChoicesRow], list[PurposeCount]]:
    """The table of everyone's answers and the counts for planning, from member rows
    (`pk`, `user_id`, `status`, `stepped_back_until`, `preferred_name`, `first_name`)
    and `policy.answers` for their users. A purpose she never answered counts as no (rule
    2: every choice starts at the most private option). Her page's address is reversed
    once."""
    counts = [PurposeCount.of(purpose) for purpose in purposes]
    labels = dict(Answer.choices)
    # Each answer's table cell, escaped once: a hundred members make eight hundred
    # cells of three kinds, too many to render one by one in the template.
    cells = {answer: format_html("<td>{}</td>", label) for answer, label in labels.items()}
    # Reversed once for the table: only her membership id differs from row to row.
    prefix, _zero, suffix = reverse("consent:member_choices", args=[group_id, 0]).rpartition("/0/")
    statuses: dict[tuple[str, dt.date | None], str] = {}
    rows = []
    for member in members:
        status = ""
        if member["status"] != Membership.Status.ACTIVE:
            key = (member["status"], member["stepped_back_until"])
            if key not in statuses:
                statuses[key] = status_text(Membership(status=key[0], stepped_back_until=key[1]))
            status = statuses[key]
        hers = answers.get(member["user_id"], {})
        mine = [hers.get(count.purpose.slug, Answer.NO) for count in counts]
        for count, answer in zip(counts, mine, strict=True):
            count.add(answer)
        rows.append(
            ChoicesRow(
                membership_id=member["pk"],
                name=name_of(member["preferred_name"], member["first_name"]),
                status=status,
                url=f"{prefix}/{member['pk']}/{suffix}",
                answers=[labels[answer] for answer in mine],
                # Safe: each cell was escaped when it was made.
                cells=mark_safe("".join(cells[answer] for answer in mine)),  # noqa: S308
            )
        )
    return rows, counts


# --- staff: one member's history -------------------------------------------------------


@dataclass
class HistoryRow:
    """One answer in the history of her answers, as staff read it."""

    event: ConsentEvent
    answer: str
    who: str
    how: str
    how_she_told_us: str


def history_rows(events: Iterable[ConsentEvent], name: str) -> list[HistoryRow]:
    """Each event with who gave it: she herself, or the facilitator who recorded it
    for her (and how she told them)."""
    rows = []
    for event in events:
        if not event.on_behalf:
            who = name
        elif event.recorded_by is not None:
            who = _("%(name)s, for her") % {"name": staff_name(event.recorded_by)}
        else:
            who = _("Someone no longer in Hearth, for her")
        rows.append(
            HistoryRow(
                event=event,
                answer=event.get_answer_display(),
                who=who,
                how=event.get_method_display(),
                how_she_told_us=event.how_she_told_us if event.on_behalf else "",
            )
        )
    return rows


# --- staff: contributions --------------------------------------------------------------

# Who sees a contribution inside the group, as staff read it, by the policy's audiences.
SEEN_INSIDE = {
    frozenset(): gettext_lazy("Only her"),
    frozenset({policy.FACILITATORS}): gettext_lazy("The facilitators"),
    frozenset({policy.FACILITATORS, policy.GROUP}): gettext_lazy("The group"),
}
# How it may appear in reports now, by `policy.in_outputs`: what the export does.
IN_REPORTS = {
    "credited": gettext_lazy("With her name"),
    "anonymised": gettext_lazy("Without her name"),
    None: gettext_lazy("Not in reports"),
}
SEEN_IN_REPORTS = {
    "credited": gettext_lazy(", and reports with her name"),
    "anonymised": gettext_lazy(", and reports without her name"),
    None: "",
}
KIND_LABELS = dict(STAFF_KINDS)
# Each audience a staff role stands in when the policy is asked what she may see.
AUDIENCE_FOR_ROLE = {
    Membership.Role.FACILITATOR: policy.FACILITATORS,
    Membership.Role.SUPPORT_WORKER: policy.SUPPORT_WORKER,
}


@dataclass
class ContributionRow:
    """One contribution shared with this viewer, and how it may appear in reports."""

    contribution: Contribution
    name: str
    kind: str
    text: str
    seen_by: str
    in_reports: str


def seen_by_now(contribution: Contribution, member_answers: dict[str, str]) -> str:
    """Who sees it today, from the same policy the export asks: the visibility she chose
    counts for reports only while her answers allow it (rule 2: one truth everywhere)."""
    inside = SEEN_INSIDE[policy.SEEN_BY[contribution.visibility]]
    return f"{inside}{SEEN_IN_REPORTS[policy.in_outputs(contribution, member_answers)]}"


def in_reports_now(contribution: Contribution, member_answers: dict[str, str]) -> str:
    """How it may appear in reports today and, where her choice of visibility asks for
    more, which of her answers holds it back, so nobody reads her choice as a yes."""
    how = policy.in_outputs(contribution, member_answers)
    if how == "anonymised" and contribution.visibility == Visibility.CREDITED:
        return _("%(how)s (she has not agreed to be named)") % {"how": IN_REPORTS[how]}
    if how is None and contribution.visibility in (Visibility.ANONYMISED, Visibility.CREDITED):
        return _("%(how)s (she has not agreed to be quoted)") % {"how": IN_REPORTS[how]}
    return str(IN_REPORTS[how])


def contribution_rows(
    contributions: Iterable[Contribution], table: dict[int, dict[str, str]]
) -> list[ContributionRow]:
    """Rows for the contributions page, from the members' answers in `table`."""
    return [
        ContributionRow(
            contribution=c,
            name=preferred_name(c.member),
            kind=str(KIND_LABELS.get(c.kind, c.get_kind_display())),
            text=c.text,
            seen_by=seen_by_now(c, table[c.member_id]),
            in_reports=in_reports_now(c, table[c.member_id]),
        )
        for c in contributions
    ]


@dataclass
class PendingRow:
    """A request waiting to be carried out, with her name and the form to confirm it."""

    request: ErasureRequest
    name: str
    form: Any


# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


# --- member: her home --------------------------------------------------------------------

# A break ending within this many days is something to tell her on her home page.
BREAK_ENDING_DAYS = 7


def _break_text(until: dt.date | None, soon: dt.date, group: str | None) -> str:
    if until is None:
        if group:
            return _("You are taking a break from the %(group)s. Nothing is lost.") % {
                "group": group
            }
        return _("You are taking a break. Nothing is lost.")
    day = dates.day(until)
    if until <= soon:
        if group:
            return _(
                "Your break from the %(group)s ends on %(day)s. You come back by yourself."
            ) % {"group": group, "day": day}
        return _("Your break ends on %(day)s. You come back by yourself.") % {"day": day}
    if group:
        return _("You are taking a break from the %(group)s until %(day)s. Nothing is lost.") % {
            "group": group,
            "day": day,
        }
    return _("You are taking a break until %(day)s. Nothing is lost.") % {"day": day}


def today_items(member, memberships) -> list[dict]:
    """What needs her today, most pressing first: each one sentence and one button.
    `member` may come with her safe-contact profile already joined (her home does)."""
    safe_contact = getattr(member, "safe_contact", None)
    many = len(memberships) > 1
    items = []
    for membership in memberships:
        if not membership.agreement_awaits:
            continue
        group = membership.group.member_facing_name
        items.append(
            {
                "text": _("There is a new group agreement for the %(group)s. Please read it.")
                % {"group": group}
                if many
                else _("There is a new group agreement. Please read it."),
                "label": _("Read the agreement"),
                "hidden": _(" for the %(group)s") % {"group": group} if many else "",
                "url": reverse("groups:my_agreement", args=[membership.group_id]),
            }
        )
    if safe_contact is not None and safe_contact.needs_confirming:
        items.append(
            {
                "text": _("Is this still the right way to reach you?"),
                "label": _("Check how we contact you"),
                "url": reverse("groups:my_contact"),
            }
        )
    review = [choice for choice in policy.choices(member) if choice.needs_review]
    if review:
        items.append(
            {
                "text": _("We changed the words of a question you answered. Please look again."),
                "label": _("Look at the new words"),
                "url": reverse("consent:my_choice_set", args=[review[0].purpose.slug]),
            }
        )
    soon = timezone.localdate() + dt.timedelta(days=BREAK_ENDING_DAYS)
    for membership in memberships:
        if not membership.is_stepped_back:
            continue
        group = membership.group.member_facing_name
        items.append(
            {
                "text": _break_text(membership.stepped_back_until, soon, group if many else None),
                "label": _("Come back now"),
                "hidden": _(" to the %(group)s") % {"group": group} if many else "",
                "come_back": reverse("groups:my_come_back", args=[membership.group_id]),
            }
        )
    return items


# --- member: her choices and their history ----------------------------------------------


def choice_rows(member) -> list[dict]:
    """Her current choice for every purpose, with her answer in words."""
    return [
        {"choice": choice, "answer": Answer(choice.answer).label}
        for choice in policy.choices(member)
    ]


def saved_message(answer: str, question: str) -> str:
    """What she reads once her answer is saved."""
    if answer == Answer.ASK:
        return _("Saved: we will ask you each time about ‘%(question)s’.") % {"question": question}
    return _("Saved: you said %(answer)s to ‘%(question)s’.") % {
        "answer": Answer(answer).label,
        "question": question,
    }


# One event in her words, by who gave the answer and what it was.
SHE_SAID = {
    Answer.YES: gettext_lazy("On %(day)s you said yes to ‘%(question)s’."),
    Answer.NO: gettext_lazy("On %(day)s you said no to ‘%(question)s’."),
    Answer.ASK: gettext_lazy("On %(day)s you asked us to ask you each time about ‘%(question)s’."),
}
RECORDED_FOR_HER = {
    Answer.YES: gettext_lazy(
        "On %(day)s %(who)s recorded that you said yes to ‘%(question)s’ (%(how)s)."
    ),
    Answer.NO: gettext_lazy(
        "On %(day)s %(who)s recorded that you said no to ‘%(question)s’ (%(how)s)."
    ),
    Answer.ASK: gettext_lazy(
        "On %(day)s %(who)s recorded that you asked us to ask you each time about "
        "‘%(question)s’ (%(how)s)."
    ),
}
CLOSED_ACCOUNT = gettext_lazy("Someone whose account is now closed")


def history_line(event: ConsentEvent) -> str:
    """One event in plain words: "On 3 March 2026 you said yes to ‘…’."."""
    words = {"day": dates.day(event.at), "question": event.text.question}
    if not event.on_behalf:
        return SHE_SAID[event.answer] % words
    words["who"] = (
        staff_name(event.recorded_by) if event.recorded_by is not None else CLOSED_ACCOUNT
    )
    words["how"] = event.get_method_display().lower()
    return RECORDED_FOR_HER[event.answer] % words


# --- member: the things she said ---------------------------------------------------------


def seen_by_words(contribution: Contribution) -> str:
    """Who sees it inside the group, from the policy: "You and the facilitators."."""
    audiences = [
        str(policy.AUDIENCES[audience]).lower()
        for audience in (policy.FACILITATORS, policy.SUPPORT_WORKER, policy.GROUP)
        if policy.seen_by(contribution, audience)
    ]
    if not audiences:
        return _("Only you.")
    if len(audiences) == 1:
        return _("You and %(audience)s.") % {"audience": audiences[0]}
    return _("You, %(audiences)s and %(last)s.") % {
        "audiences": ", ".join(audiences[:-1]),
        "last": audiences[-1],
    }


def in_reports_words(contribution: Contribution, mine: dict[str, str]) -> tuple[str, str]:
    """How it may appear in reports now, from the policy, and which of her answers
    keeps it out (a purpose slug, so the page can link to it; "" if none)."""
    how = policy.in_outputs(contribution, mine)
    if how == "credited":
        return _("used with your name."), ""
    if how == "anonymised":
        if contribution.visibility == Visibility.CREDITED:
            return _(
                "used without your name (you have not said yes to being thanked by name "
                "in reports)."
            ), "named_credit"
        return _("used without your name."), ""
    if contribution.visibility in (Visibility.ANONYMISED, Visibility.CREDITED):
        return _(
            "not used (you have not said yes to your words in reports without your name)."
        ), "anonymous_quotes"
    return _("not used."), ""


# --- member: who looked ------------------------------------------------------------------

# What each audit action means when someone else did it, in her words. Only views: what
# others changed for her is in her history and her download.
LOOKED_AT = {
    "member.view": gettext_lazy("your details and how to reach you"),
    "support_plan.view": gettext_lazy("your plan"),
    "consent.history_view": gettext_lazy("what you said about your choices"),
    "contact.charity_view": gettext_lazy("your contact details, which you shared with the partner"),
}


def looked_lines(events) -> list[dict]:
    """Who looked at what of hers, and when, from audit events of `LOOKED_AT` actions."""
    return [
        {
            "who": staff_name(event.actor) if event.actor is not None else str(CLOSED_ACCOUNT),
            "what": str(LOOKED_AT[event.action]),
            "at": event.at,
        }
        for event in events
    ]
