"""Rule 2 and rule 6 in one place: what each audience sees of her, decided by her
current answers and each contribution's visibility, and changed the moment she does."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent import policy, projection, services
from consent.models import Answer, ConsentEvent, ConsentPurpose, ConsentText, Contribution
from consent.models import Visibility as V
from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.outbox.channels import Channel
from groups import services as group_services
from groups.models import Membership, Profile, SafeContactProfile
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory

YES, NO, ASK = Answer.YES, Answer.NO, Answer.ASK


@pytest.fixture
def group(db):
    return CoproGroupFactory(name="Riverside", member_facing_name="Tuesday group")


@pytest.fixture
def helen(helen, group):
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    return helen


@pytest.fixture
def dee(group):
    user = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=user, group=group, role=Membership.Role.SUPPORT_WORKER)
    return user


@pytest.fixture
def sam(sam, group, dee):
    MembershipFactory(user=sam, group=group, role=Membership.Role.MEMBER, support_worker=dee)
    Profile.objects.create(user=sam, preferred_name="Sammy")
    return sam


def say(member, slug: str, answer: str) -> None:
    services.consent_record(
        member=member,
        purpose=ConsentPurpose.objects.get(slug=slug),
        answer=answer,
        acting_user=member,
    )


def add(member, group, text: str, visibility: str, kind=Contribution.Kind.QUOTE):
    return services.contribution_add(
        member=member, group=group, text=text, kind=kind, acting_user=member, visibility=visibility
    )


def fresh(member) -> User:
    """Her account loaded anew, so nothing cached on the instance hides a query or a change."""
    return User.objects.get(pk=member.pk)


# --- reports: in_outputs ---------------------------------------------------------

# Only a contribution she marked for reports can appear in one. Credit needs her yes to
# named credit; otherwise it may appear without her name if she said yes to quotes.
# Anything but yes ("no", "ask me each time", or never asked) is not a yes.
REPORT_VISIBILITIES = {
    V.ANONYMISED: lambda quotes, credit: "anonymised" if quotes == YES else None,
    V.CREDITED: lambda quotes, credit: (
        "credited" if credit == YES else ("anonymised" if quotes == YES else None)
    ),
}


def expected_in_outputs(visibility: str, quotes: str, credit: str) -> str | None:
    rule = REPORT_VISIBILITIES.get(visibility)
    return rule(quotes, credit) if rule else None


CASES = [
    (visibility, quotes, credit, expected_in_outputs(visibility, quotes, credit))
    for visibility, quotes, credit in itertools.product(V.values, [YES, NO, ASK], [YES, NO, ASK])
]


@pytest.mark.parametrize(
    ("visibility", "quotes", "credit", "expected"),
    [
        (V.CREDITED, NO, YES, "credited"),
        (V.CREDITED, YES, NO, "anonymised"),
        (V.CREDITED, ASK, ASK, None),
        (V.ANONYMISED, YES, YES, "anonymised"),
        (V.GROUP, YES, YES, None),
        (V.ONLY_ME, YES, YES, None),
    ],
)
def test_in_outputs_written_out(visibility, quotes, credit, expected):
    """Cases written by hand, not derived from the rules above, so a slip in those
    rules cannot hide the same slip in the code."""
    contribution = Contribution(visibility=visibility)
    answers = {"anonymous_quotes": quotes, "named_credit": credit}
    assert policy.in_outputs(contribution, answers) == expected


@pytest.mark.parametrize(("visibility", "quotes", "credit", "expected"), CASES)
def test_in_outputs(visibility, quotes, credit, expected):
    contribution = Contribution(visibility=visibility)
    answers = {"anonymous_quotes": quotes, "named_credit": credit}
    assert policy.in_outputs(contribution, answers) == expected


@pytest.mark.parametrize("visibility", V.values)
def test_nothing_goes_in_a_report_before_she_answers(visibility):
    assert policy.in_outputs(Contribution(visibility=visibility), {}) is None


@pytest.mark.parametrize(("visibility", "quotes", "credit", "expected"), CASES)
def test_output_quotes_follow_the_ledger(sam, group, visibility, quotes, credit, expected):
    say(sam, "anonymous_quotes", quotes)
    say(sam, "named_credit", credit)
    add(sam, group, "The receptionist asked me why, in front of everyone.", visibility)

    quotes_out = policy.output_quotes(group)

    if expected is None:
        assert quotes_out == []
    else:
        assert len(quotes_out) == 1
        assert quotes_out[0]["text"] == "The receptionist asked me why, in front of everyone."
        assert quotes_out[0]["credit"] == ("Sammy" if expected == "credited" else "")


def test_withdrawing_takes_her_words_out_of_the_very_next_report(sam, group):
    add(sam, group, "Booking by phone at 8am is impossible for me.", V.ANONYMISED)
    say(sam, "anonymous_quotes", YES)
    shown = policy.output_quotes(group)
    assert [q["text"] for q in shown] == ["Booking by phone at 8am is impossible for me."]
    assert shown[0]["credit"] == ""
    assert shown[0]["kind"] == "Something I said"

    say(sam, "anonymous_quotes", NO)
    assert policy.output_quotes(group) == []

    say(sam, "anonymous_quotes", ASK)
    assert policy.output_quotes(group) == []

    say(sam, "anonymous_quotes", YES)
    assert len(policy.output_quotes(group)) == 1


def test_changing_a_contributions_visibility_takes_it_out_at_once(sam, group):
    say(sam, "anonymous_quotes", YES)
    quote = add(sam, group, "Nobody told me the appointment had moved.", V.ANONYMISED)
    assert len(policy.output_quotes(group)) == 1
    services.contribution_set_visibility(contribution=quote, visibility=V.GROUP, acting_user=sam)
    assert policy.output_quotes(group) == []


def test_credit_names_her_only_with_her_yes_and_by_the_name_she_chose(sam, group):
    add(sam, group, "Being asked what helps made all the difference.", V.CREDITED)
    say(sam, "anonymous_quotes", YES)
    assert [q["credit"] for q in policy.output_quotes(group)] == [""]

    say(sam, "named_credit", YES)
    assert [q["credit"] for q in policy.output_quotes(group)] == ["Sammy"]
    assert sam.first_name != "Sammy"  # her preferred name, not her account's name

    say(sam, "named_credit", NO)
    assert [q["credit"] for q in policy.output_quotes(group)] == [""]


def test_output_quotes_are_per_member_and_per_group(sam, group, helen):
    maria = MembershipFactory(group=group, role=Membership.Role.MEMBER).user
    other_group = CoproGroupFactory()
    MembershipFactory(user=sam, group=other_group, role=Membership.Role.MEMBER)
    say(sam, "anonymous_quotes", YES)
    add(sam, group, "Sam's words here.", V.ANONYMISED)
    add(sam, other_group, "Sam's words elsewhere.", V.ANONYMISED)
    add(maria, group, "Maria's words.", V.ANONYMISED)  # Maria never said yes

    assert [q["text"] for q in policy.output_quotes(group)] == ["Sam's words here."]
    assert [q["text"] for q in policy.output_quotes(other_group)] == ["Sam's words elsewhere."]


# --- inside the group: seen_by ----------------------------------------------------

SEEN = {
    V.ONLY_ME: set(),
    V.FACILITATORS: {policy.FACILITATORS},
    V.GROUP: {policy.FACILITATORS, policy.GROUP},
    V.ANONYMISED: {policy.FACILITATORS, policy.GROUP},
    V.CREDITED: {policy.FACILITATORS, policy.GROUP},
}


@pytest.mark.parametrize(
    ("visibility", "audience"), list(itertools.product(V.values, policy.AUDIENCES))
)
def test_seen_by(visibility, audience):
    expected = audience in SEEN[visibility]
    assert policy.seen_by(Contribution(visibility=visibility), audience) is expected


# --- answers to the purposes a page holds --------------------------------------------


def test_answers_to_the_purposes_a_page_holds_take_one_query(sam, helen):
    say(sam, "photos", YES)
    say(sam, "anonymous_quotes", ASK)
    say(sam, "anonymous_quotes", NO)
    retired = ConsentPurpose.objects.get(slug="future_projects")
    say(sam, "future_projects", YES)
    retired.is_active = False
    retired.save()
    purposes = policy.purposes()

    with CaptureQueriesContext(connection) as queries:
        given = policy.answers([sam.pk, helen.pk], purposes)

    assert len(queries) == 1
    active = [p.slug for p in purposes]
    assert "future_projects" not in active
    assert given[helen.pk] == dict.fromkeys(active, NO)
    assert given[sam.pk] == {**dict.fromkeys(active, NO), "photos": YES, "anonymous_quotes": NO}
    full = policy.answers([sam.pk])[sam.pk]
    assert all(full[slug] == given[sam.pk][slug] for slug in active)


# --- contact: channel_allowed -------------------------------------------------------


def test_no_safe_contact_profile_means_no_channel(sam):
    for channel in Channel.values:
        assert not policy.channel_allowed(sam, channel)


def test_channels_follow_her_safe_contact_profile(sam):
    group_services.safe_contact_update(
        member=sam, acting_user=sam, channels=[Channel.SMS, Channel.EMAIL]
    )
    allowed = {c for c in Channel.values if policy.channel_allowed(sam, c)}
    assert allowed == {Channel.SMS, Channel.EMAIL}

    group_services.safe_contact_update(member=sam, acting_user=sam, channels=[Channel.EMAIL])
    assert not policy.channel_allowed(sam, Channel.SMS)
    assert policy.channel_allowed(sam, Channel.EMAIL)

    group_services.safe_contact_update(member=sam, acting_user=sam, channels=[])
    assert not any(policy.channel_allowed(sam, c) for c in Channel.values)


def test_a_consent_answer_cannot_open_a_channel_she_has_not_chosen(sam):
    SafeContactProfile.objects.create(member=sam, channels=[])
    say(sam, "future_projects", YES)
    assert not any(policy.channel_allowed(sam, c) for c in Channel.values)


# --- what_others_see -----------------------------------------------------------------


@pytest.fixture
def contributions(sam, group):
    return {
        visibility: add(sam, group, f"Said for {visibility}.", visibility)
        for visibility in V.values
    }


Seen = policy.Seen


def texts(seen: list[policy.Seen]) -> set[str]:
    return {s.value for s in seen}


def labels(seen: list[policy.Seen]) -> set[str]:
    return {s.label for s in seen}


def test_what_others_see_inside_the_group(sam, helen, contributions):
    seen = policy.what_others_see(fresh(sam))
    assert set(seen) == set(policy.AUDIENCES)

    for_facilitators = texts(seen[policy.FACILITATORS])
    for visibility in (V.FACILITATORS, V.GROUP, V.ANONYMISED, V.CREDITED):
        assert f"Said for {visibility}." in for_facilitators
    assert "Said for only_me." not in for_facilitators

    for_group = texts(seen[policy.GROUP])
    for visibility in (V.GROUP, V.ANONYMISED, V.CREDITED):
        assert f"Said for {visibility}." in for_group
    assert "Said for facilitators." not in for_group
    assert "Said for only_me." not in for_group
    assert "Sammy" in for_group  # the name she chose, not her account name

    for audience in (policy.SUPPORT_WORKER, policy.PARTNER_CHARITY, policy.OUTPUTS):
        assert not any(v.startswith("Said for") for v in texts(seen[audience]))


def test_a_visibility_change_shows_at_once(sam, helen, contributions):
    services.contribution_set_visibility(
        contribution=contributions[V.ONLY_ME], visibility=V.GROUP, acting_user=sam
    )
    services.contribution_set_visibility(
        contribution=contributions[V.GROUP], visibility=V.ONLY_ME, acting_user=sam
    )
    seen = policy.what_others_see(fresh(sam))
    assert "Said for only_me." in texts(seen[policy.GROUP])
    assert "Said for group." not in texts(seen[policy.GROUP])
    assert "Said for group." not in texts(seen[policy.FACILITATORS])


@pytest.mark.parametrize(("answer", "shared"), [(YES, True), (NO, False), (ASK, False)])
def test_partner_charity_sees_her_contact_details_only_with_her_yes(sam, answer, shared):
    SafeContactProfile.objects.create(member=sam, channels=[Channel.EMAIL], sender_name="Jo")
    say(sam, "share_contact_with_partner", answer)
    seen = policy.what_others_see(fresh(sam))[policy.PARTNER_CHARITY]
    assert ("Your email" in labels(seen)) is shared
    assert (Seen("Your email", sam.email) in seen) is shared
    assert (Seen("Who the message says it is from", "Jo") in seen) is shared
    assert labels(seen) >= {"That you are in the group"}
    assert ("Sammy" in texts(seen)) is shared  # counted, not named, unless she shares


def test_partner_charity_loses_her_contact_details_when_she_withdraws(sam):
    SafeContactProfile.objects.create(member=sam, channels=[Channel.EMAIL])
    say(sam, "share_contact_with_partner", YES)
    say(sam, "share_contact_with_partner", NO)
    seen = policy.what_others_see(fresh(sam))[policy.PARTNER_CHARITY]
    assert labels(seen) == {"That you are in the group"}


def test_nothing_goes_to_reports_by_default(sam, contributions):
    assert policy.what_others_see(fresh(sam))[policy.OUTPUTS] == []


def test_reports_without_her_name(sam, contributions):
    say(sam, "anonymous_quotes", YES)
    outputs = policy.what_others_see(fresh(sam))[policy.OUTPUTS]
    assert {(s.label, s.value) for s in outputs} == {
        ("Something I said, without your name", "Said for anonymised."),
        ("Something I said, without your name", "Said for credited."),
    }


def test_reports_with_her_name(sam, contributions):
    say(sam, "anonymous_quotes", YES)
    say(sam, "named_credit", YES)
    say(sam, "photos", YES)
    say(sam, "recordings", ASK)
    outputs = policy.what_others_see(fresh(sam))[policy.OUTPUTS]
    assert {(s.label, s.value) for s in outputs} == {
        ("Something I said, without your name", "Said for anonymised."),
        ("Something I said, with your name", "Said for credited."),
        ("Your name", "Thanked as Sammy"),
        ("Photos with you in them", "Yes"),
    }


def test_credit_alone_names_her_but_uses_no_anonymous_quote(sam, contributions):
    say(sam, "named_credit", YES)
    outputs = policy.what_others_see(fresh(sam))[policy.OUTPUTS]
    assert {(s.label, s.value) for s in outputs} == {
        ("Something I said, with your name", "Said for credited."),
        ("Your name", "Thanked as Sammy"),
    }


def test_support_plan_and_check_ins_are_shown_only_to_whom_she_chose(sam, helen, dee):
    group_services.support_plan_save(member=sam, acting_user=sam, what_helps="A quiet corner.")
    seen = policy.what_others_see(fresh(sam))
    assert "Your support plan" not in labels(seen[policy.FACILITATORS])
    assert "Your support plan" not in labels(seen[policy.SUPPORT_WORKER])
    assert "Your check-in answers" not in labels(seen[policy.SUPPORT_WORKER])

    group_services.support_plan_share(member=sam, acting_user=sam, readers=[helen])
    say(sam, "checkins_seen_by_support_worker", YES)
    seen = policy.what_others_see(fresh(sam))
    assert policy.Seen("Your support plan", "Shared with Helen Ward") in seen[policy.FACILITATORS]
    assert "Your support plan" not in labels(seen[policy.SUPPORT_WORKER])
    assert "Your check-in answers" in labels(seen[policy.SUPPORT_WORKER])
    # The plan's words are never part of this summary.
    everything = {s.value for audience in seen.values() for s in audience}
    assert "A quiet corner." not in everything

    group_services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    say(sam, "checkins_seen_by_support_worker", NO)
    seen = policy.what_others_see(fresh(sam))
    assert "Your support plan" not in labels(seen[policy.FACILITATORS])
    assert policy.Seen("Your support plan", "Shared with Dee Okafor") in seen[policy.SUPPORT_WORKER]
    assert "Your check-in answers" not in labels(seen[policy.SUPPORT_WORKER])


def add_history(member, total: int) -> None:
    """`total` more ledger events of hers, spread over every purpose."""
    texts_by_purpose = {t.purpose_id: t.pk for t in ConsentText.objects.filter(version=1)}
    purposes = list(texts_by_purpose)
    cycle = [NO, ASK, YES]
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            member_id=member.pk,
            purpose_id=purposes[n % len(purposes)],
            text_id=texts_by_purpose[purposes[n % len(purposes)]],
            answer=cycle[(n // len(purposes)) % 3],
            recorded_by_id=member.pk,
        )
        for n in range(total)
    )
    projection.rebuild()  # bulk_create bypasses consent_record


def queries_for_what_others_see(member) -> int:
    crypto.forget_data_keys()
    member = fresh(member)
    with CaptureQueriesContext(connection) as captured:
        policy.what_others_see(member)
    return len(captured)


def test_what_others_see_costs_the_same_with_a_long_history(
    sam, helen, dee, contributions, record_property
):
    group_services.support_plan_save(member=sam, acting_user=sam, what_helps="A quiet corner.")
    group_services.support_plan_share(member=sam, acting_user=sam, readers=[helen, dee])
    add_history(sam, 10)
    short = queries_for_what_others_see(sam)

    add_history(sam, 9_990)
    assert ConsentEvent.objects.filter(member=sam).count() == 10_000
    long = queries_for_what_others_see(sam)

    record_property("what_others_see_queries", long)
    assert long == short
    # Six of these read her member page as staff and the partner see it (memberships, her
    # safe-contact profile, her support contacts, the agreements, her answers, the partner list).
    assert short <= 14
