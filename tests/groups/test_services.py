"""Services for groups and people: success, each refusal, and "called twice, one effect"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.audit.models import AuditEvent
from coproduction.outbox.channels import Channel
from groups import services
from groups.access import staff_access
from groups.models import (
    AgreementResponse,
    AgreementVersion,
    Invitation,
    Membership,
    SupportContact,
    SupportPlan,
    Training,
    staff_around,
)
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory


@pytest.fixture
def group(db):
    return CoproGroupFactory(name="Riverside", member_facing_name="Tuesday group")


@pytest.fixture
def helen(group):
    user = StaffFactory(username="helen", first_name="Helen", last_name="Ward")
    MembershipFactory(user=user, group=group, role=Membership.Role.FACILITATOR)
    return user


@pytest.fixture
def dee(group):
    user = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=user, group=group, role=Membership.Role.SUPPORT_WORKER)
    return user


@pytest.fixture
def sam(group, dee):
    user = UserFactory(username="sam", first_name="Sam")
    MembershipFactory(user=user, group=group, support_worker=dee)
    return user


@pytest.fixture
def sam_membership(sam, group):
    return Membership.objects.get(user=sam, group=group)


def actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


# --- joining -----------------------------------------------------------------------


def join(token, **overrides):
    choices = {"preferred_name": "Jade", "channels": [Channel.EMAIL], "agrees": True}
    choices.update(overrides)
    return services.invitation_accept(token=token, choices=services.JoinChoices(**choices))


def test_invitation_keeps_only_a_hash_of_its_token(group, helen):
    invitation, token = services.invitation_create(group=group, acting_user=helen)
    assert token not in invitation.token_hash
    assert invitation.token_hash == crypto.token_hash(token)
    assert services.invitation_for_token(token) == invitation
    assert actions() == ["invitation.create"]


def test_joining_makes_her_account_from_nothing_but_a_name(group, helen, dee):
    version = services.agreement_publish(
        version=services.agreement_draft_save(group=group, acting_user=helen, text="Be kind."),
        acting_user=helen,
    )
    invitation, token = services.invitation_create(
        group=group, acting_user=helen, email="Jade@Example.org", support_worker=dee
    )
    membership = join(token)
    jade = membership.user
    assert membership.status == Membership.Status.ACTIVE
    assert membership.support_worker == dee
    assert membership.invited_by == helen
    assert jade.profile.preferred_name == "Jade"
    assert jade.email == "jade@example.org"
    assert jade.is_member and not jade.has_usable_password()
    assert jade.safe_contact.channels == ["email"]
    assert jade.support_contacts.get().staff_user == dee
    assert AgreementResponse.objects.get(member=jade, version=version).agrees
    assert Invitation.objects.get(pk=invitation.pk).membership == membership


def test_joining_without_contact_details_needs_a_password(group, helen, dee):
    _, token = services.invitation_create(group=group, acting_user=helen, support_worker=dee)
    precious = join(
        token, preferred_name="Precious", channels=[], password="a long passphrase"
    ).user
    assert precious.email == ""
    assert precious.check_password("a long passphrase")
    assert precious.safe_contact.channels == []


def test_a_link_works_once(group, helen):
    _, token = services.invitation_create(group=group, acting_user=helen, email="jade@example.org")
    join(token)
    with pytest.raises(ValidationError, match="already been used"):
        join(token)
    assert User.objects.filter(first_name="Jade").count() == 1


def test_an_expired_link_is_refused(group, helen):
    with time_machine.travel("2026-11-01 10:00", tick=False):
        _, token = services.invitation_create(group=group, acting_user=helen)
    with time_machine.travel("2026-11-16 10:00", tick=False):
        assert services.invitation_for_token(token) is None
        with pytest.raises(ValidationError):
            join(token)


def test_a_made_up_link_is_refused(db):
    assert services.invitation_for_token("not-a-token") is None
    with pytest.raises(ValidationError):
        join("not-a-token")


def test_an_address_already_in_use_is_not_attached_or_revealed(group, helen, sam):
    _, token = services.invitation_create(group=group, acting_user=helen, email=sam.email.upper())
    newcomer = join(token, password="another passphrase").user
    assert newcomer.email == ""
    assert newcomer != sam


def test_usernames_never_clash(group, helen):
    first = join(
        services.invitation_create(group=group, acting_user=helen)[1], password="pw-1-long"
    ).user
    second = join(
        services.invitation_create(group=group, acting_user=helen)[1], password="pw-2-long"
    ).user
    assert first.username != second.username


# --- her details -------------------------------------------------------------------


def test_profile_needs_only_a_name(sam):
    profile = services.profile_update(member=sam, acting_user=sam, preferred_name="Sammy")
    assert profile.preferred_name == "Sammy"
    assert User.objects.get(pk=sam.pk).first_name == "Sammy"
    with pytest.raises(ValidationError):
        services.profile_update(member=sam, acting_user=sam, preferred_name="")


def test_saving_safe_contact_confirms_it(sam):
    with time_machine.travel("2026-01-01 12:00", tick=False):
        services.safe_contact_update(member=sam, acting_user=sam, channels=[Channel.SMS])
    profile = sam.safe_contact
    assert profile.confirm_by == dt.date(2026, 4, 1)
    with time_machine.travel("2026-04-02 12:00", tick=False):
        assert profile.needs_confirming
        services.safe_contact_update(member=sam, acting_user=sam)
        sam.safe_contact.refresh_from_db()
        assert not sam.safe_contact.needs_confirming
        assert sam.safe_contact.channels == [Channel.SMS]


def test_support_contacts_add_and_remove_twice(sam):
    contact = services.support_contact_add(
        member=sam, acting_user=sam, kind=SupportContact.Kind.HELPLINE, name="Samaritans"
    )
    assert not contact.contact_if_worried
    services.support_contact_remove(contact=contact, acting_user=sam)
    services.support_contact_remove(contact=contact, acting_user=sam)
    assert not sam.support_contacts.filter(kind=SupportContact.Kind.HELPLINE).exists()
    assert actions(action="support_contact.remove") == ["support_contact.remove"]


# --- her support plan --------------------------------------------------------------


def test_only_she_writes_her_plan(sam, helen):
    services.support_plan_save(member=sam, acting_user=sam, what_helps="A walk first.")
    with pytest.raises(ValidationError):
        services.support_plan_save(member=sam, acting_user=helen, what_helps="Edited")
    assert SupportPlan.objects.get(member=sam).what_helps == "A walk first."


def test_plan_starts_private(sam, helen):
    plan = services.support_plan_save(member=sam, acting_user=sam, please_do="Text first.")
    assert list(plan.readers.all()) == []
    with pytest.raises(ValidationError):
        services.support_plan_read(plan=plan, viewer=helen)
    assert actions(action="support_plan.view") == []


def test_she_shares_it_with_people_she_picks_and_every_read_is_audited(sam, helen, dee):
    plan = services.support_plan_save(member=sam, acting_user=sam, please_do="Text first.")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    services.support_plan_read(plan=plan, viewer=dee)
    services.support_plan_read(plan=plan, viewer=dee)
    services.support_plan_read(plan=plan, viewer=sam)  # her own reads are not an event
    with pytest.raises(ValidationError):
        services.support_plan_read(plan=plan, viewer=helen)
    views = AuditEvent.objects.about(sam).filter(action="support_plan.view")
    assert [event.actor for event in views] == [dee, dee]


def test_she_cannot_share_with_strangers_and_only_she_chooses(sam, helen, dee):
    tom = StaffFactory(username="tom")
    with pytest.raises(ValidationError, match="work with your group"):
        services.support_plan_share(member=sam, acting_user=sam, readers=[tom])
    with pytest.raises(ValidationError):
        services.support_plan_share(member=sam, acting_user=helen, readers=[helen])


def test_withdrawing_a_share_takes_effect_at_once(sam, dee):
    plan = services.support_plan_save(member=sam, acting_user=sam, what_helps="Tea.")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    services.support_plan_share(member=sam, acting_user=sam, readers=[])
    with pytest.raises(ValidationError):
        services.support_plan_read(plan=plan, viewer=dee)


def test_staff_around_her_are_the_staff_of_her_current_groups(sam, helen, dee):
    other = CoproGroupFactory()
    MembershipFactory(user=StaffFactory(username="tom"), group=other, role="facilitator")
    assert set(staff_around(sam)) == {helen, dee}


# --- stepping back -------------------------------------------------------------------


def test_step_back_twice_is_one_step(sam_membership, sam):
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    sam_membership.refresh_from_db()
    assert sam_membership.status == Membership.Status.STEPPED_BACK
    assert actions(action="membership.step_back") == ["membership.step_back"]


def test_step_back_until_a_date_must_be_in_the_future(sam_membership, sam):
    with time_machine.travel("2026-11-25 12:00", tick=False):
        with pytest.raises(ValidationError):
            services.membership_step_back(
                membership=sam_membership, acting_user=sam, until=dt.date(2026, 11, 25)
            )
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2026, 12, 1)
        )
    assert sam_membership.stepped_back_until == dt.date(2026, 12, 1)


def test_a_break_runs_at_most_a_year_ahead(sam_membership, sam):
    with time_machine.travel("2028-02-29 12:00", tick=False):
        with pytest.raises(ValidationError, match="within a year from today"):
            services.membership_step_back(
                membership=sam_membership, acting_user=sam, until=dt.date(2029, 3, 1)
            )
        sam_membership.refresh_from_db()
        assert sam_membership.is_active
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2029, 2, 28)
        )
    assert sam_membership.stepped_back_until == dt.date(2029, 2, 28)


def test_come_back_twice_is_one_return(sam_membership, sam):
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    services.membership_come_back(membership=sam_membership, acting_user=sam)
    services.membership_come_back(membership=sam_membership, acting_user=sam)
    assert sam_membership.status == Membership.Status.ACTIVE
    assert actions(action="membership.come_back") == ["membership.come_back"]


def test_she_comes_back_on_the_date_she_chose(sam_membership, sam):
    with time_machine.travel("2026-11-25 12:00", tick=False):
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2026, 12, 1)
        )
    assert services.memberships_return_due(today=dt.date(2026, 11, 30)) == 0
    assert services.memberships_return_due(today=dt.date(2026, 12, 1)) == 1
    assert services.memberships_return_due(today=dt.date(2026, 12, 1)) == 0
    sam_membership.refresh_from_db()
    assert sam_membership.is_active and sam_membership.stepped_back_until is None


def test_leaving_records_her_choice_once(sam_membership, sam):
    services.membership_leave(membership=sam_membership, acting_user=sam, erase=True)
    services.membership_leave(membership=sam_membership, acting_user=sam, erase=False)
    sam_membership.refresh_from_db()
    assert sam_membership.status == Membership.Status.LEFT
    assert sam_membership.leave_choice == Membership.LeaveChoice.ERASE
    with pytest.raises(ValidationError):
        services.membership_step_back(membership=sam_membership, acting_user=sam)


# --- training ------------------------------------------------------------------------


def test_training_recorded_once_and_checked(helen):
    day = dt.date(2026, 1, 10)
    services.training_record(person=helen, acting_user=helen, kind="safeguarding", completed_on=day)
    services.training_record(person=helen, acting_user=helen, kind="safeguarding", completed_on=day)
    assert Training.objects.filter(person=helen).count() == 1
    with pytest.raises(ValidationError, match="future"):
        services.training_record(
            person=helen, acting_user=helen, kind="facilitation", completed_on=dt.date(2099, 1, 1)
        )
    with pytest.raises(ValidationError, match="expiry"):
        services.training_record(
            person=helen, acting_user=helen, kind="facilitation", completed_on=day, expires_on=day
        )


def test_missing_training_in_one_query(helen, dee, django_assert_num_queries):
    on = dt.date(2026, 6, 1)
    for kind in Training.Kind.values:
        services.training_record(
            person=helen, acting_user=helen, kind=kind, completed_on=dt.date(2026, 1, 1),
            expires_on=dt.date(2027, 1, 1) if kind != "safeguarding" else dt.date(2026, 5, 1),
        )  # fmt: skip
    with django_assert_num_queries(1):
        missing = Training.objects.missing_for([helen.pk, dee.pk], on=on)
    assert missing[helen.pk] == {"safeguarding"}
    assert missing[dee.pk] == set(Training.REQUIRED_TO_FACILITATE)


# --- the group agreement ---------------------------------------------------------------


def test_drafts_are_numbered_and_published_ones_never_change(group, helen):
    v1 = services.agreement_draft_save(group=group, acting_user=helen, text="Listen.")
    services.agreement_draft_save(group=group, acting_user=helen, text="Listen well.", version=v1)
    services.agreement_publish(version=v1, acting_user=helen)
    services.agreement_publish(version=v1, acting_user=helen)
    assert actions(action="agreement.publish") == ["agreement.publish"]
    with pytest.raises(ValidationError):
        services.agreement_draft_save(group=group, acting_user=helen, text="x", version=v1)
    v2 = services.agreement_draft_save(group=group, acting_user=helen, text="Listen; pause.")
    assert (v1.number, v2.number) == (1, 2)
    assert group.agreements.current() == v1
    services.agreement_publish(version=v2, acting_user=helen)
    assert group.agreements.current() == v2


def test_she_agrees_or_says_what_she_disagrees_with(group, helen, sam):
    version = services.agreement_draft_save(group=group, acting_user=helen, text="Phones away.")
    with pytest.raises(ValidationError, match="published"):
        services.agreement_respond(version=version, member=sam, agrees=True)
    services.agreement_publish(version=version, acting_user=helen)
    with pytest.raises(ValidationError, match="disagree"):
        services.agreement_respond(version=version, member=sam, agrees=False)
    services.agreement_respond(
        version=version, member=sam, agrees=False, disagreement="I need mine"
    )
    services.agreement_respond(version=version, member=sam, agrees=True)
    response = AgreementResponse.objects.get(version=version, member=sam)
    assert response.agrees and response.disagreement == ""


def test_comments_need_words(group, helen, sam):
    version = services.agreement_draft_save(group=group, acting_user=helen, text="Draft")
    with pytest.raises(ValidationError):
        services.agreement_comment(version=version, member=sam, text="  ", kind="comment")
    services.agreement_comment(version=version, member=sam, text="Add breaks", kind="proposal")
    assert version.comments.get().kind == "proposal"
    assert AgreementVersion.objects.get(pk=version.pk).status == "draft"


def test_daily_return_task_twice_brings_her_back_once(sam_membership, sam):
    from groups.tasks import return_stepped_back_members

    with time_machine.travel("2026-11-25 12:00", tick=False):
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2026, 11, 30)
        )
    with time_machine.travel("2026-11-30 06:00", tick=False):
        assert return_stepped_back_members.apply().get() == 1
        assert return_stepped_back_members.apply().get() == 0
    assert actions(action="membership.come_back") == ["membership.come_back"]


def test_an_older_draft_cannot_be_published_over_a_newer_version(group, helen):
    v1 = services.agreement_draft_save(group=group, acting_user=helen, text="One")
    v2 = services.agreement_draft_save(group=group, acting_user=helen, text="Two")
    services.agreement_publish(version=v2, acting_user=helen)
    with pytest.raises(ValidationError, match="Version 2 is already published"):
        services.agreement_publish(version=v1, acting_user=helen)
    assert group.agreements.current() == v2


def test_she_needs_a_password_when_the_invited_address_is_taken(group, helen, sam):
    _, token = services.invitation_create(group=group, acting_user=helen, email=sam.email)
    with pytest.raises(ValidationError, match="password"):
        join(token)
    assert services.invitation_for_token(token) is not None  # nothing used up


def test_a_reader_who_leaves_her_group_can_no_longer_read_her_plan(sam, dee, group):
    plan = services.support_plan_save(member=sam, acting_user=sam, what_helps="Tea.")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    Membership.objects.filter(user=dee, group=group).update(status=Membership.Status.LEFT)
    with pytest.raises(ValidationError):
        services.support_plan_read(plan=plan, viewer=dee)


def test_comments_only_on_drafts_or_the_current_version(group, helen, sam):
    v1 = services.agreement_draft_save(group=group, acting_user=helen, text="One")
    services.agreement_publish(version=v1, acting_user=helen)
    services.agreement_comment(version=v1, member=sam, text="Good", kind="comment")
    v2 = services.agreement_draft_save(group=group, acting_user=helen, text="Two")
    services.agreement_publish(version=v2, acting_user=helen)
    with pytest.raises(ValidationError, match="replaced"):
        services.agreement_comment(version=v1, member=sam, text="Late", kind="comment")


# --- the audited read of a member's page -----------------------------------------------


def test_member_page_read_returns_her_page_and_records_the_look(helen, group, sam_membership):
    access = staff_access(helen, group.pk)
    page = services.member_page_read(access=access, membership_id=sam_membership.pk)
    assert page.membership == sam_membership
    assert page.name == "Sam"
    assert not page.has_left and not page.plan_shared
    event = AuditEvent.objects.get(action="member.view")
    assert event.actor == helen and event.subject_user == sam_membership.user


def test_member_page_read_twice_is_two_looks(helen, group, sam_membership):
    access = staff_access(helen, group.pk)
    services.member_page_read(access=access, membership_id=sam_membership.pk)
    services.member_page_read(access=access, membership_id=sam_membership.pk)
    # Each read is one more line in her "who looked": a look is never merged away.
    assert AuditEvent.objects.filter(action="member.view").count() == 2


def test_member_page_read_refusals_record_nothing(dee, group, sam_membership):
    maria = MembershipFactory(user=UserFactory(username="maria"), group=group)
    elsewhere = MembershipFactory(user=UserFactory(username="aisha"))
    access = staff_access(dee, group.pk)
    with pytest.raises(PermissionDenied):
        services.member_page_read(access=access, membership_id=maria.pk)
    with pytest.raises(Http404):
        services.member_page_read(access=access, membership_id=elsewhere.pk)
    assert not AuditEvent.objects.filter(action="member.view").exists()


# --- publishing checks inside its transaction ---------------------------------------------


def test_publishing_over_a_newer_version_is_refused_and_writes_nothing(helen):
    group = CoproGroupFactory()
    v1 = services.agreement_draft_save(group=group, acting_user=helen, text="One")
    v2 = services.agreement_draft_save(group=group, acting_user=helen, text="Two")
    stale = AgreementVersion.objects.get(pk=v1.pk)  # read before v2 is published
    services.agreement_publish(version=v2, acting_user=helen)
    with pytest.raises(ValidationError, match="Version 2 is already published"):
        services.agreement_publish(version=stale, acting_user=helen)
    stale.refresh_from_db()
    assert stale.status == AgreementVersion.Status.DRAFT
    assert AuditEvent.objects.filter(action="agreement.publish").count() == 1


# --- correcting a training record ----------------------------------------------------------


def test_training_correct_checks_dates_and_records_once(helen):
    day = dt.date(2026, 1, 5)
    record = services.training_record(
        person=helen, acting_user=helen, kind="safeguarding", completed_on=day
    )
    corrected = services.training_correct(
        training=record, acting_user=helen, expires_on=dt.date(2028, 1, 5)
    )
    assert corrected.expires_on == dt.date(2028, 1, 5)
    services.training_correct(training=record, acting_user=helen, expires_on=dt.date(2028, 1, 5))
    assert AuditEvent.objects.filter(action="training.admin_save").count() == 1
    with pytest.raises(ValidationError):
        services.training_correct(training=record, acting_user=helen, expires_on=day)
    with pytest.raises(ValidationError):
        services.training_correct(
            training=record, acting_user=helen, completed_on=dt.date(2999, 1, 1)
        )
    record.refresh_from_db()
    assert record.expires_on == dt.date(2028, 1, 5)
    assert AuditEvent.objects.filter(action="training.admin_save").count() == 1
