"""The member portal's reads (`groups.member_pages`) and the join wizard's state
(`groups.join`), tested directly: each reaches only her own rows."""

from __future__ import annotations

import pytest
from django.http import Http404

from coproduction.outbox.channels import Channel
from groups import join, member_pages, services
from groups.forms.member import AgreementResponseForm
from groups.models import Invitation, Membership
from tests.factories import CoproGroupFactory, MembershipFactory, UserFactory


@pytest.fixture
def published(tuesday_group, helen, helen_fac):
    version = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen to each other."
    )
    return services.agreement_publish(version=version, acting_user=helen)


def test_current_membership_is_hers_while_she_is_in_the_group(sam, sam_membership):
    assert member_pages.current_membership(sam, sam_membership.group_id) == sam_membership
    sam_membership.status = Membership.Status.STEPPED_BACK
    sam_membership.save()
    assert member_pages.current_membership(sam, sam_membership.group_id) == sam_membership


def test_current_membership_is_not_found_once_she_left_or_elsewhere(
    sam, sam_membership, thursday_group
):
    with pytest.raises(Http404):
        member_pages.current_membership(sam, thursday_group.pk)
    sam_membership.status = Membership.Status.LEFT
    sam_membership.save()
    with pytest.raises(Http404):
        member_pages.current_membership(sam, sam_membership.group_id)


def test_profile_initial_is_her_sign_up_name_until_she_saves(sam, sam_membership):
    assert member_pages.profile_initial(sam) == {"preferred_name": "Sam"}
    services.profile_update(member=sam, acting_user=sam, preferred_name="Sammy", pronouns="she/her")
    initial = member_pages.profile_initial(sam)
    assert initial["preferred_name"] == "Sammy"
    assert initial["pronouns"] == "she/her"
    assert set(initial) == set(member_pages.PROFILE_FIELDS)


def test_safe_contact_is_unsaved_with_the_private_defaults(sam, sam_membership):
    saved, initial = member_pages.safe_contact(sam)
    assert saved is None
    assert set(initial) == set(member_pages.SAFE_CONTACT_FIELDS)
    assert not initial["channels"]
    assert initial["voicemail_ok"] is False


def test_own_plan_and_its_readers(sam, sam_membership, helen, helen_fac):
    assert member_pages.own_plan(sam) is None
    assert member_pages.plan_readers(None) == []
    assert member_pages.plan_initial(None) == {}
    services.support_plan_save(member=sam, acting_user=sam, what_helps="A walk")
    services.support_plan_share(member=sam, acting_user=sam, readers=[helen])
    plan = member_pages.own_plan(sam)
    assert member_pages.plan_initial(plan)["what_helps"] == "A walk"
    assert member_pages.plan_readers(plan) == [helen]
    assert member_pages.reader_names([helen]) == "Helen Ward"


def test_plan_views_are_only_looks_at_her_plan(sam, maria, sam_membership):
    assert list(member_pages.plan_views(sam)) == []
    assert list(member_pages.plan_views(maria)) == []


def test_break_initial_reads_her_break(sam_membership):
    assert member_pages.break_initial(sam_membership) == {
        "until": None,
        "keep_session_changes": sam_membership.keep_session_changes_while_away,
    }


def test_agreement_answer_and_its_form_values(sam, sam_membership, published):
    assert member_pages.agreement_answer(None, sam) is None
    assert member_pages.agreement_answer(published, sam) is None
    assert AgreementResponseForm.initial_for(None) == {}
    services.agreement_respond(
        version=published, member=sam, agrees=False, disagreement="Shorter sessions"
    )
    answer = member_pages.agreement_answer(published, sam)
    assert AgreementResponseForm.initial_for(answer) == {
        "answer": AgreementResponseForm.DISAGREE,
        "disagreement": "Shorter sessions",
    }


def test_commentable_versions_are_drafts_and_the_current_one(
    tuesday_group, helen, helen_fac, published
):
    draft = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen, and we rest."
    )
    assert member_pages.agreement_drafts(tuesday_group) == [draft]
    assert set(member_pages.commentable_versions(tuesday_group)) == {draft, published}


def test_own_agreement_comments_are_hers_only(
    sam, maria, sam_membership, maria_membership, published
):
    services.agreement_comment(version=published, member=sam, text="Yes", kind="comment")
    services.agreement_comment(version=published, member=maria, text="No", kind="comment")
    texts = [c.text for c in member_pages.own_agreement_comments(published.group, sam)]
    assert texts == ["Yes"]


# --- the join wizard's state ---------------------------------------------------------


def test_join_key_hides_the_token():
    key = join.join_key("secret-token")
    assert key.startswith("join:")
    assert "secret-token" not in key
    assert key == join.join_key("secret-token") != join.join_key("other-token")


def test_join_steps_ask_a_password_only_without_a_usable_email():
    assert join.join_steps(True) == ["name", "contact", "agreement"]
    assert join.join_steps(False) == ["name", "contact", "agreement", "password"]


def test_first_open_step_is_the_first_not_yet_answered():
    steps = join.join_steps(False)
    assert join.first_open_step(steps, {}) == "name"
    assert join.first_open_step(steps, {"preferred_name": "Jo"}) == "contact"
    answered = {"preferred_name": "Jo", "channels": [], "agrees": True}
    assert join.first_open_step(steps, answered) == "password"
    assert join.first_open_step(join.join_steps(True), answered) == "agreement"


def test_email_usable_unless_another_account_has_it(db):
    assert not join.email_usable(Invitation(email=""))
    assert join.email_usable(Invitation(email="new@example.org"))
    UserFactory(username="taken", email="Taken@example.org")
    assert not join.email_usable(Invitation(email="taken@example.org"))


def test_join_channels_are_only_the_ways_that_can_work(dee):
    assert join.join_channels(Invitation(), False) == []
    assert join.join_channels(Invitation(phone="07700 900123"), True) == [
        Channel.EMAIL,
        Channel.SMS,
        Channel.CALL,
    ]
    assert join.join_channels(Invitation(support_worker=dee), False) == [Channel.SUPPORT_WORKER]


def test_her_portal_memberships_are_her_current_groups_with_the_newest_agreement(
    sam,
    sam_membership,
    thursday_group,
    tuesday_group,
    helen,
    helen_fac,
    published,
    django_assert_num_queries,
):
    MembershipFactory(
        user=sam,
        group=thursday_group,
        role=Membership.Role.MEMBER,
        status=Membership.Status.STEPPED_BACK,
    )
    left = MembershipFactory(user=sam, group=CoproGroupFactory(), status=Membership.Status.LEFT)
    MembershipFactory(user=sam, group=CoproGroupFactory(), role=Membership.Role.FACILITATOR)
    newer = services.agreement_publish(
        version=services.agreement_draft_save(group=tuesday_group, acting_user=helen, text="v2"),
        acting_user=helen,
    )

    with django_assert_num_queries(1):
        memberships = Membership.objects.of_member_in_portal(sam)
        names = [m.group.member_facing_name for m in memberships]

    assert names == ["Thursday group", "Tuesday group"]
    assert left.pk not in [m.pk for m in memberships]
    thursday, tuesday = memberships
    assert (thursday.agreement_id, thursday.agreement_answered) == (None, False)
    assert (tuesday.agreement_id, tuesday.agreement_answered) == (newer.pk, False)

    services.agreement_respond(version=published, member=sam, agrees=True)
    assert not Membership.objects.of_member_in_portal(sam)[1].agreement_answered
    services.agreement_respond(version=newer, member=sam, agrees=True)
    assert Membership.objects.of_member_in_portal(sam)[1].agreement_answered
