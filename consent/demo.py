"""Demo consent answers and contributions for the people of PEOPLE.md. Made once:
a person who already has ledger events is left as she is."""

from __future__ import annotations

from consent import services
from consent.models import Answer, ConsentEvent, ConsentPurpose, Contribution, Visibility

# What each member said, as in PEOPLE.md; anyone not listed keeps the private defaults.
ANSWERS = {
    "sam": {"take_part": Answer.YES, "anonymous_quotes": Answer.YES, "named_credit": Answer.NO,
            "photos": Answer.NO, "recordings": Answer.NO},
    "maria": {"take_part": Answer.YES, "anonymous_quotes": Answer.YES,
              "named_credit": Answer.YES, "photos": Answer.NO},
    "lou": {"take_part": Answer.YES, "anonymous_quotes": Answer.YES, "named_credit": Answer.YES,
            "photos": Answer.ASK, "future_projects": Answer.YES},
    "jade": {"take_part": Answer.YES},
    "kerry": {"take_part": Answer.YES, "photos": Answer.YES},
    "aisha": {"take_part": Answer.YES, "anonymous_quotes": Answer.YES},
}  # fmt: skip

CONTRIBUTIONS = {
    "sam": [
        (Contribution.Kind.QUOTE, Visibility.ANONYMISED,
         "Reception shouldn't ask why you need an appointment in front of the whole waiting room."),
        (Contribution.Kind.IDEA, Visibility.GROUP,
         "A card you can hand over instead of saying it out loud."),
    ],
    "maria": [
        (Contribution.Kind.QUOTE, Visibility.CREDITED,
         "When plans change, tell us what changed and why. It makes all the difference."),
    ],
    "lou": [
        (Contribution.Kind.IDEA, Visibility.CREDITED,
         "After a missed appointment, the practice texts to offer another, instead of a warning."),
    ],
}  # fmt: skip


def seed_consent(users: dict, group_of: dict) -> None:
    """Record the answers and contributions above through the services, as she would."""
    purposes = {p.slug: p for p in ConsentPurpose.objects.all()}
    for username, answers in ANSWERS.items():
        member = users.get(username)
        if member is None or ConsentEvent.objects.filter(member=member).exists():
            continue
        for slug, answer in answers.items():
            services.consent_record(
                member=member, purpose=purposes[slug], answer=answer, acting_user=member
            )
    precious, helen = users.get("precious"), users.get("helen")
    if precious and helen and not ConsentEvent.objects.filter(member=precious).exists():
        services.consent_record(
            member=precious,
            purpose=purposes["take_part"],
            answer=Answer.YES,
            acting_user=helen,
            method=ConsentEvent.Method.IN_PERSON,
            how_she_told_us="She said yes when we met with Dee before her first session.",
        )
    for username, items in CONTRIBUTIONS.items():
        member = users.get(username)
        if member is None or Contribution.objects.filter(member=member).exists():
            continue
        for kind, visibility, text in items:
            services.contribution_add(
                member=member, group=group_of[username], text=text, kind=kind,
                acting_user=member, visibility=visibility,
            )  # fmt: skip
