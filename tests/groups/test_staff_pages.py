"""Staff pages: each works for the right role, and only for it.

For every view: the right role gets it; an outsider (Tom, Ruth) gets 404; a member
gets 403; a support worker gets 403 on facilitator-only pages and on members she does
not support; the wrong method is refused; someone not signed in is sent to sign in.
Then what each page shows, and what it must never show.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coproduction.audit.models import AuditEvent
from coproduction.core.dates import day
from groups.models import (
    AgreementResponse,
    CoproGroup,
    Membership,
    SupportContact,
    SupportPlan,
    Training,
)
from tests.groups.staff_data import (
    SAM_PHONE,
    draft,
    fully_trained,
    give_details,
    give_sam_her_details,
    member_of,
    published,
    train,
)


@pytest.fixture
def world(helen_fac, dee, sam_membership, maria_membership, tom, aisha, ruth, thursday_group):
    """The Tuesday group with its people and an agreement (v1 published, v2 a draft);
    Sam shared her plan with Helen and Dee; Maria has a plan she shared with nobody."""
    group = helen_fac.group
    sam, maria = sam_membership.user, maria_membership.user
    give_sam_her_details(sam)
    give_details(maria, name="Maria", channels=["email"])
    plan = SupportPlan.objects.create(member=sam, what_helps="A quiet word before we start")
    plan.readers.set([helen_fac.user, dee])
    SupportPlan.objects.create(member=maria, what_helps="Tea")
    v1 = published(group, 1, "We listen to each other.")
    v2 = draft(group, 2, "We listen to each other, and we take breaks.")
    return SimpleNamespace(
        group=group,
        helen=helen_fac.user,
        dee=dee,
        sam=sam,
        maria=maria,
        sam_membership=sam_membership,
        maria_membership=maria_membership,
        tom=tom,
        aisha=aisha,
        ruth=ruth,
        thursday=thursday_group,
        aisha_membership=Membership.objects.get(user=aisha),
        v1=v1,
        v2=v2,
    )


def url_for(name: str, w: SimpleNamespace, *, member: str = "sam") -> str:
    group = w.group.pk
    membership = getattr(w, f"{member}_membership").pk
    return {
        "home": reverse("staff_home"),
        "roster": reverse("groups:roster", args=[group]),
        "invite": reverse("groups:invite", args=[group]),
        "member_detail": reverse("groups:member_detail", args=[group, membership]),
        "member_support_plan": reverse("groups:member_support_plan", args=[group, membership]),
        "group_training": reverse("groups:group_training", args=[group]),
        "my_training": reverse("groups:my_training"),
        "agreement_drafts": reverse("groups:agreement_drafts", args=[group]),
        "agreement_edit": reverse("groups:agreement_edit", args=[group, w.v2.pk]),
        "agreement_publish": reverse("groups:agreement_publish", args=[group, w.v2.pk]),
    }[name]


ALL_VIEWS = [
    "home",
    "roster",
    "invite",
    "member_detail",
    "member_support_plan",
    "group_training",
    "my_training",
    "agreement_drafts",
    "agreement_edit",
    "agreement_publish",
]
GROUP_VIEWS = [name for name in ALL_VIEWS if name not in ("home", "my_training")]
FACILITATOR_ONLY = ["invite", "agreement_drafts", "agreement_edit", "agreement_publish"]
POST_ONLY = {"agreement_publish"}


def visit(client, name: str, url: str):
    return client.post(url) if name in POST_ONLY else client.get(url)


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("home", "helen"),
        ("home", "dee"),
        ("home", "tom"),
        ("home", "ruth"),
        ("roster", "helen"),
        ("roster", "dee"),
        ("invite", "helen"),
        ("member_detail", "helen"),
        ("member_detail", "dee"),
        ("member_support_plan", "helen"),
        ("member_support_plan", "dee"),
        ("group_training", "helen"),
        ("group_training", "dee"),
        ("my_training", "helen"),
        ("my_training", "dee"),
        ("my_training", "tom"),
        ("my_training", "ruth"),
        ("agreement_drafts", "helen"),
        ("agreement_edit", "helen"),
        ("agreement_publish", "helen"),
    ],
)
def test_the_right_role_gets_the_page(client, world, name, who):
    client.force_login(getattr(world, who))
    response = client.get(url_for(name, world))
    assert response.status_code == 200
    assert "base_staff.html" in [t.name for t in response.templates]


def test_a_facilitator_can_publish(client, world):
    client.force_login(world.helen)
    response = client.post(url_for("agreement_publish", world))
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:agreement_drafts", args=[world.group.pk])


@pytest.mark.parametrize("who", ["tom", "ruth"])
@pytest.mark.parametrize("name", GROUP_VIEWS)
def test_an_outsider_gets_404(client, world, name, who):
    client.force_login(getattr(world, who))
    assert visit(client, name, url_for(name, world)).status_code == 404


@pytest.mark.parametrize("who", ["sam", "maria", "aisha"])
@pytest.mark.parametrize("name", ALL_VIEWS)
def test_a_member_gets_403(client, world, name, who):
    client.force_login(getattr(world, who))
    assert visit(client, name, url_for(name, world)).status_code == 403


@pytest.mark.parametrize("name", FACILITATOR_ONLY)
def test_a_support_worker_gets_403_on_facilitator_pages(client, world, name):
    client.force_login(world.dee)
    assert visit(client, name, url_for(name, world)).status_code == 403


@pytest.mark.parametrize("name", ["member_detail", "member_support_plan"])
def test_dee_gets_403_for_a_member_she_does_not_support(client, world, name):
    client.force_login(world.dee)
    assert client.get(url_for(name, world, member="maria")).status_code == 403


def test_a_support_worker_who_left_the_group_is_an_outsider(client, world):
    Membership.objects.filter(user=world.dee, group=world.group).update(
        status=Membership.Status.LEFT
    )
    client.force_login(world.dee)
    assert client.get(url_for("roster", world)).status_code == 404
    assert client.get(url_for("member_detail", world)).status_code == 404


def test_an_invited_facilitator_is_not_in_yet(client, world, tom):
    Membership.objects.create(
        user=tom, group=world.group, role="facilitator", status=Membership.Status.INVITED
    )
    client.force_login(tom)
    assert client.get(url_for("roster", world)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("home", "post"),
        ("roster", "post"),
        ("member_detail", "post"),
        ("member_support_plan", "post"),
        ("group_training", "post"),
        ("invite", "put"),
        ("invite", "delete"),
        ("my_training", "put"),
        ("agreement_drafts", "patch"),
        ("agreement_edit", "delete"),
        ("agreement_publish", "delete"),
        ("agreement_publish", "put"),
    ],
)
def test_the_wrong_method_is_refused(client, world, name, method):
    client.force_login(world.helen)
    assert getattr(client, method)(url_for(name, world)).status_code == 405


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_someone_not_signed_in_is_sent_to_sign_in(client, world, name):
    url = url_for(name, world)
    response = visit(client, name, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_a_membership_of_another_group_is_404_through_this_group(client, world):
    client.force_login(world.helen)
    for name in ("member_detail", "member_support_plan"):
        url = reverse(f"groups:{name}", args=[world.group.pk, world.aisha_membership.pk])
        assert client.get(url).status_code == 404


def test_a_staff_membership_is_not_a_member_page(client, world):
    client.force_login(world.helen)
    dee_membership = Membership.objects.get(user=world.dee, group=world.group)
    url = reverse("groups:member_detail", args=[world.group.pk, dee_membership.pk])
    assert client.get(url).status_code == 404


def test_a_version_of_another_group_is_404_through_this_group(client, world):
    theirs = draft(world.thursday, 1, "Thursday text")
    client.force_login(world.helen)
    edit = reverse("groups:agreement_edit", args=[world.group.pk, theirs.pk])
    publish = reverse("groups:agreement_publish", args=[world.group.pk, theirs.pk])
    assert client.get(edit).status_code == 404
    assert client.post(publish).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_tom_cannot_reach_the_tuesday_group_through_his_own(client, world):
    client.force_login(world.tom)
    url = reverse("groups:member_detail", args=[world.thursday.pk, world.sam_membership.pk])
    assert client.get(url).status_code == 404
    url = reverse("groups:agreement_edit", args=[world.thursday.pk, world.v2.pk])
    assert client.get(url).status_code == 404


def test_ids_that_do_not_exist_are_404(client, world):
    client.force_login(world.helen)
    assert client.get(reverse("groups:roster", args=[999999])).status_code == 404
    url = reverse("groups:member_detail", args=[world.group.pk, 999999])
    assert client.get(url).status_code == 404
    url = reverse("groups:agreement_edit", args=[world.group.pk, 999999])
    assert client.get(url).status_code == 404


def test_refusals_reveal_nothing_and_write_nothing(client, world):
    before = AuditEvent.objects.count()
    client.force_login(world.tom)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert "Sam" not in page and SAM_PHONE not in page
    client.force_login(world.dee)
    page = client.get(url_for("member_detail", world, member="maria")).content.decode()
    assert "maria@example.org" not in page
    client.get(url_for("member_support_plan", world, member="maria"))
    assert AuditEvent.objects.count() == before


# --- home ----------------------------------------------------------------------------


@pytest.fixture
def busy_group(world):
    """Jade stepped back, Lou left; Sam's safe contact is overdue for checking; Maria
    answered the current agreement, Sam did not."""
    member_of(
        world.group,
        "Jade",
        status=Membership.Status.STEPPED_BACK,
        stepped_back_until=dt.date(2026, 12, 1),
    )
    member_of(world.group, "Lou", status=Membership.Status.LEFT)
    from groups.models import SafeContactProfile

    SafeContactProfile.objects.filter(member=world.sam).update(
        confirmed_at=timezone.now() - dt.timedelta(days=120)
    )
    AgreementResponse.objects.create(version=world.v1, member=world.maria, agrees=True)
    return world


def test_home_lists_her_groups_with_counts_and_follow_up(client, busy_group):
    w = busy_group
    client.force_login(w.helen)
    page = client.get(reverse("staff_home")).content.decode()
    assert "Welcome, Helen Ward" in page
    assert w.group.name in page
    assert "You facilitate this group." in page
    assert "Members: 2 active, 1 stepped back." in page
    assert "Safe-contact details to confirm: 1 member." in page
    assert "Not yet answered the current group agreement: 1 member." in page
    assert "Training not current: 1 facilitator." in page
    assert reverse("groups:roster", args=[w.group.pk]) in page
    assert reverse("groups:invite", args=[w.group.pk]) in page
    assert "Thursday" not in page


def test_home_shows_her_own_training(client, world):
    client.force_login(world.helen)
    page = client.get(reverse("staff_home")).content.decode()
    assert (
        "Training not current: Trauma-informed practice, Safeguarding adults and children, "
        "Facilitation and power dynamics." in page
    )
    fully_trained(world.helen)
    page = client.get(reverse("staff_home")).content.decode()
    assert "Your training is current." in page
    assert "Nothing needs following up." not in page  # Sam has not answered v1
    assert "Training not current" not in page


def test_home_for_a_support_worker_counts_only_her_members(client, busy_group):
    w = busy_group
    client.force_login(w.dee)
    page = client.get(reverse("staff_home")).content.decode()
    assert "You are a support worker in this group." in page
    assert "Members you support: 1 active, 0 stepped back." in page
    assert "Safe-contact details to confirm: 1 member." in page
    assert reverse("groups:invite", args=[w.group.pk]) not in page
    assert reverse("groups:agreement_drafts", args=[w.group.pk]) not in page


def test_home_without_an_agreement_says_so_to_facilitators(client, world):
    world.v1.delete()
    client.force_login(world.helen)
    page = client.get(reverse("staff_home")).content.decode()
    assert "No group agreement is published yet." in page
    assert "Not yet answered" not in page


def test_home_when_all_is_done(client, world):
    fully_trained(world.helen)
    for member in (world.sam, world.maria):
        AgreementResponse.objects.create(version=world.v1, member=member, agrees=True)
    client.force_login(world.helen)
    page = client.get(reverse("staff_home")).content.decode()
    assert "Nothing needs following up." in page


def test_home_for_someone_in_no_group(client, world):
    client.force_login(world.ruth)
    page = client.get(reverse("staff_home")).content.decode()
    assert "You are not working in any group yet." in page
    assert world.group.name not in page


def test_tom_sees_only_his_group_on_home(client, world):
    client.force_login(world.tom)
    page = client.get(reverse("staff_home")).content.decode()
    assert world.thursday.name in page
    assert world.group.name not in page


# --- the roster ------------------------------------------------------------------------


def test_roster_shows_each_member_safely(client, busy_group):
    w = busy_group
    client.force_login(w.helen)
    page = client.get(url_for("roster", w)).content.decode()
    assert "Sam" in page and "Maria" in page and "Jade" in page and "Lou" in page
    assert "Text message · Tue, Wed, Thu · 10:00–14:00" in page
    assert "Email · no safe days given yet" in page
    assert f"Stepped back until {day(dt.date(2026, 12, 1))}" in page
    assert "Not to be contacted: she has left the group" in page
    assert "Dee Okafor" in page
    assert "Step-free access; Large print" in page
    assert "Agreed to version 1" in page
    assert "Not answered yet" in page
    assert "To confirm with her" in page  # Sam's details are overdue
    assert "<caption" in page
    assert reverse("groups:member_detail", args=[w.group.pk, w.sam_membership.pk]) in page


def test_roster_never_shows_phone_numbers_or_email_addresses(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert SAM_PHONE not in page
    assert "sam@example.org" not in page
    assert "maria@example.org" not in page


def test_roster_says_she_will_get_in_touch_when_she_chose_no_channel(client, world):
    give_details(world.maria, name="Maria")
    client.force_login(world.helen)
    assert "She will get in touch" in client.get(url_for("roster", world)).content.decode()


def test_roster_copes_with_a_member_who_never_set_her_details(client, world):
    bare = member_of(world.group, "Kerry")
    bare.user.profile.delete()
    bare.user.safe_contact.delete()
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Kerry" in page
    assert "She will get in touch" in page


def test_roster_for_a_support_worker_lists_only_the_members_she_supports(client, world):
    client.force_login(world.dee)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Members you support" in page
    assert "Sam" in page
    assert "Maria" not in page
    assert reverse("groups:invite", args=[world.group.pk]) not in page


def test_roster_lists_facilitators_with_a_training_warning(client, world):
    train(
        world.helen,
        "trauma_informed",
        "facilitation",
        completed_on=timezone.localdate() - dt.timedelta(days=10),
    )
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Helen Ward" in page
    assert "Training not current: Safeguarding adults and children" in page
    assert "cannot facilitate sessions" not in page


def test_roster_warning_says_a_blocking_policy_blocks(client, world):
    CoproGroup.objects.filter(pk=world.group.pk).update(
        training_policy=CoproGroup.TrainingPolicy.BLOCK
    )
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "cannot facilitate sessions until training is current" in page


def test_roster_has_no_warning_when_training_is_current(client, world):
    fully_trained(world.helen)
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Training not current" not in page


def test_roster_leaves_out_invited_memberships_and_other_groups(client, world):
    member_of(world.group, "Pending", status=Membership.Status.INVITED)
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Pending" not in page
    assert "Aisha" not in page
    assert "Tom Reid" not in page


def test_roster_shows_a_disagreement_without_its_words(client, world):
    AgreementResponse.objects.create(
        version=world.v1, member=world.sam, agrees=False, disagreement="Point 3 is unfair"
    )
    client.force_login(world.helen)
    page = client.get(url_for("roster", world)).content.decode()
    assert "Disagrees with some of it" in page
    assert "Point 3 is unfair" not in page


# --- one member ------------------------------------------------------------------------


def test_member_detail_shows_how_to_reach_her_and_records_the_look(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert "Sam" in page
    assert "she/her" in page
    assert "Step-free access; Large print" in page
    assert "Text message · Tue, Wed, Thu · 10:00–14:00" in page
    assert "Voicemail: no" in page
    assert "Sender name: Jo" in page
    assert "May mention the group: no" in page
    assert SAM_PHONE in page
    assert "sam@example.org (she has not said email is safe: do not use it)" in page
    assert "Support worker: Dee Okafor" in page
    event = AuditEvent.objects.get(action="member.view")
    assert event.actor == world.helen
    assert event.subject_user == world.sam
    assert event.subject_type == "groups.membership"
    assert event.subject_id == str(world.sam_membership.pk)


def test_each_look_is_recorded(client, world):
    client.force_login(world.dee)
    client.get(url_for("member_detail", world))
    client.get(url_for("member_detail", world))
    assert AuditEvent.objects.filter(action="member.view", actor=world.dee).count() == 2


def test_member_detail_lists_her_support_contacts_and_what_she_allowed(client, world):
    SupportContact.objects.create(member=world.sam, kind="support_worker", staff_user=world.dee)
    SupportContact.objects.create(
        member=world.sam,
        kind="trusted_person",
        name="Bea",
        contact_detail="07700 900999",
        contact_if_i_ask=True,
        contact_if_worried=True,
    )
    SupportContact.objects.create(
        member=world.sam, kind="helpline", name="Night line", contact_if_i_ask=False
    )
    client.force_login(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert "Dee Okafor (Support worker): if she asks" in page
    assert "Bea (Someone she trusts): if she asks and if worried" in page
    assert "Night line (A helpline): not for now" in page
    assert "07700 900999" not in page


def test_member_detail_links_the_plan_only_if_she_shared_it(client, world):
    client.force_login(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert url_for("member_support_plan", world) in page
    SupportPlan.objects.get(member=world.sam).readers.remove(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert url_for("member_support_plan", world) not in page
    assert "She has not shared her support plan with you." in page


def test_member_detail_does_not_reveal_whether_an_unshared_plan_exists(client, world):
    client.force_login(world.helen)
    with_plan = client.get(url_for("member_detail", world, member="maria")).content.decode()
    SupportPlan.objects.filter(member=world.maria).delete()
    without = client.get(url_for("member_detail", world, member="maria")).content.decode()
    assert "She has not shared her support plan with you." in with_plan
    assert "She has not shared her support plan with you." in without


def test_member_detail_shows_her_agreement_answer(client, world):
    AgreementResponse.objects.create(
        version=world.v1, member=world.sam, agrees=False, disagreement="Point 3 is unfair"
    )
    client.force_login(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert "Disagrees with some of it" in page
    assert "Point 3 is unfair" in page


def test_member_detail_for_someone_with_no_details_and_no_agreement(client, world):
    world.v1.delete()
    bare = member_of(world.group, "Kerry")
    bare.user.safe_contact.delete()
    client.force_login(world.helen)
    url = reverse("groups:member_detail", args=[world.group.pk, bare.pk])
    page = client.get(url).content.decode()
    assert "She will get in touch" in page
    assert "Voicemail: no" in page
    assert "No agreement published yet" in page
    assert "She has not named anyone." in page


def test_member_detail_of_someone_who_left_says_not_to_contact_her(client, world):
    Membership.objects.filter(pk=world.sam_membership.pk).update(status=Membership.Status.LEFT)
    client.force_login(world.helen)
    page = client.get(url_for("member_detail", world)).content.decode()
    assert "She has left the group. Do not contact her." in page


# --- her support plan ---------------------------------------------------------------------


def test_support_plan_is_shown_when_shared_and_the_read_is_audited(client, world):
    client.force_login(world.dee)
    page = client.get(url_for("member_support_plan", world)).content.decode()
    assert "A quiet word before we start" in page
    event = AuditEvent.objects.get(action="support_plan.view")
    assert event.actor == world.dee
    assert event.subject_user == world.sam


def test_support_plan_not_shared_is_403_and_not_audited(client, world):
    SupportPlan.objects.get(member=world.sam).readers.remove(world.helen)
    client.force_login(world.helen)
    response = client.get(url_for("member_support_plan", world))
    assert response.status_code == 403
    assert "A quiet word" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="support_plan.view").exists()


def test_no_plan_answers_as_a_plan_not_shared_so_staff_cannot_tell_she_wrote_one(client, world):
    SupportPlan.objects.filter(member=world.sam).delete()
    client.force_login(world.helen)
    missing = client.get(url_for("member_support_plan", world))
    SupportPlan.objects.create(member=world.sam, what_helps="Tea")
    unshared = client.get(url_for("member_support_plan", world))
    assert missing.status_code == unshared.status_code == 403

    for response in (missing, unshared):
        assert "She has not shared her support plan with you." in response.content.decode()


def test_support_plan_withdrawn_takes_effect_at_once(client, world):
    client.force_login(world.helen)
    assert client.get(url_for("member_support_plan", world)).status_code == 200
    SupportPlan.objects.get(member=world.sam).readers.clear()
    assert client.get(url_for("member_support_plan", world)).status_code == 403


def test_support_plan_shared_with_dee_is_still_not_hers_if_she_does_not_support_her(client, world):
    SupportPlan.objects.get(member=world.maria).readers.add(world.dee)
    client.force_login(world.dee)
    assert client.get(url_for("member_support_plan", world, member="maria")).status_code == 403


def test_an_empty_plan_says_so(client, world):
    SupportPlan.objects.filter(member=world.sam).update(what_helps="")
    client.force_login(world.helen)
    page = client.get(url_for("member_support_plan", world)).content.decode()
    assert "She has not written anything in her plan yet." in page


# --- training pages --------------------------------------------------------------------


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_group_training_shows_every_kind_for_every_staff_member(client, world):
    train(world.helen, "trauma_informed", completed_on=dt.date(2025, 1, 1))
    train(
        world.helen,
        "safeguarding",
        completed_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2026, 1, 1),
    )
    train(
        world.dee,
        "safeguarding",
        completed_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2027, 3, 3),
    )
    client.force_login(world.dee)
    page = client.get(url_for("group_training", world)).content.decode()
    assert "Helen Ward" in page and "Dee Okafor" in page
    assert "Current, does not expire" in page
    assert f"Expired {day(dt.date(2026, 1, 1), short=True)}" in page
    assert "Current until 3 Mar 2027" in page
    assert "No record" in page
    assert "Training not current: Safeguarding adults and children, Facilitation" in page
    assert "Tom Reid" not in page
    assert "<caption" in page


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_group_training_counts_the_record_that_is_current(client, world):
    train(
        world.helen,
        "safeguarding",
        completed_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2024, 1, 1),
    )
    train(
        world.helen,
        "safeguarding",
        completed_on=dt.date(2026, 2, 1),
        expires_on=dt.date(2028, 2, 1),
    )
    train(world.helen, "trauma_informed", "facilitation", completed_on=dt.date(2026, 2, 1))
    client.force_login(world.helen)
    page = client.get(url_for("group_training", world)).content.decode()
    assert "Current until 1 Feb 2028" in page
    assert "Expired 1 Jan 2024" not in page
    assert "Training not current" not in page


def test_group_training_says_when_the_policy_blocks(client, world):
    CoproGroup.objects.filter(pk=world.group.pk).update(training_policy="block")
    client.force_login(world.helen)
    page = client.get(url_for("group_training", world)).content.decode()
    assert "cannot facilitate sessions until training is current" in page


def test_my_training_lists_only_her_own_records(client, world):
    train(world.helen, "safeguarding", completed_on=dt.date(2026, 1, 1))
    train(world.dee, "facilitation", completed_on=dt.date(2026, 1, 1))
    client.force_login(world.dee)
    page = client.get(url_for("my_training", world)).content.decode()
    assert "Facilitation and power dynamics" in page
    assert Training.objects.count() == 2
    assert page.count('<th scope="row">') == 1


@time_machine.travel("2026-11-25 10:00", tick=False)
def test_group_training_copes_with_a_record_dated_in_the_future(client, world):
    # The form and the service refuse this; the admin site might not.
    Training.objects.create(person=world.dee, kind="safeguarding", completed_on=dt.date(2027, 1, 5))
    client.force_login(world.helen)
    page = client.get(url_for("group_training", world)).content.decode()
    assert "Not yet: completes 5 Jan 2027" in page
