"""The agreement loop (issue 7, point 18): publishing asks to confirm and shows what
changed; a member's proposal gets an answer she can see; the "new agreement" notice
shows only to members who have not answered, and never on the break and leave pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduction.audit.models import AuditEvent
from groups import services
from groups.diff import ADDED, REMOVED, SAME, Line, agreement_changes
from groups.models import AgreementComment, AgreementVersion
from tests.groups.staff_data import draft, published

NOTICE = "There is a new group agreement"


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def group(helen_fac, dee, sam_membership, maria_membership):
    return helen_fac.group


@pytest.fixture
def v1(group):
    return published(group, 1, "We listen.\n\nWe keep what is said here.\n\nPhones on silent.")


@pytest.fixture
def v2(group, v1):
    return draft(group, 2, "We listen.\n\nWe keep what is said here.\n\nWe take breaks.")


def publish_url(version) -> str:
    return reverse("groups:agreement_publish", args=[version.group_id, version.pk])


def answer_url(comment) -> str:
    return reverse("groups:agreement_proposal_answer", args=[comment.version.group_id, comment.pk])


def propose(version, member, text="Can we say phones off, not on silent?"):
    return services.agreement_comment(
        version=version, member=member, text=text, kind=AgreementComment.Kind.PROPOSAL
    )


# --- (a) what changed, and a page that asks to confirm ---------------------------------


def test_changes_mark_each_line_added_removed_or_the_same():
    assert agreement_changes(
        "We listen.\n\nPhones on silent.", "We listen.\n\nWe take breaks."
    ) == [
        Line(SAME, "We listen."),
        Line(REMOVED, "Phones on silent."),
        Line(ADDED, "We take breaks."),
    ]
    assert agreement_changes("", "One.\nTwo.") == [Line(ADDED, "One."), Line(ADDED, "Two.")]
    assert agreement_changes("Same.\n\n", "Same.") == [Line(SAME, "Same.")]


def test_publishing_asks_first_and_shows_what_changed(client, helen, v1, v2):
    client.force_login(helen)
    response = client.get(publish_url(v2))
    assert response.status_code == 200
    page = html(response)
    assert "Publish version 2?" in page
    assert "What changed from version 1" in page
    assert "1 line added, 1 line removed." in page
    # Told apart by words and by <ins>/<del>, not by colour alone.
    assert "<strong>Removed:</strong> <del>Phones on silent.</del>" in page
    assert "<strong>Added:</strong> <ins>We take breaks.</ins>" in page
    assert "Each of the 2 current members will be asked" in page
    assert f'action="{publish_url(v2)}"' in page
    v2.refresh_from_db()
    assert v2.status == AgreementVersion.Status.DRAFT  # looking publishes nothing
    assert not AuditEvent.objects.filter(action="agreement.publish", subject_id=str(v2.pk))


def test_the_draft_page_leads_to_the_confirm_page_not_a_publish_button(client, helen, v2):
    client.force_login(helen)
    page = html(client.get(reverse("groups:agreement_edit", args=[v2.group_id, v2.pk])))
    assert f'href="{publish_url(v2)}"' in page
    assert f'action="{publish_url(v2)}"' not in page


def test_the_first_version_shows_every_line_as_new(client, helen, group):
    first = draft(group, 1, "We listen.\n\nWe take breaks.")
    client.force_login(helen)
    page = html(client.get(publish_url(first)))
    assert "This is the first version, so every line is new." in page
    assert page.count("<strong>Added:</strong>") == 2


def test_confirming_publishes(client, helen, v1, v2):
    client.force_login(helen)
    response = client.post(publish_url(v2), follow=True)
    assert messages_of(response) == ["Published. Members will be asked to read and agree."]
    assert v2.group.agreements.current() == v2


def test_an_older_draft_cannot_be_published_over_the_current_one(client, helen, group):
    old = draft(group, 1, "We listen.")
    published(group, 2, "We listen. We take breaks.")
    client.force_login(helen)
    page = html(client.get(publish_url(old)))
    assert "Version 2 is already published" in page
    assert f'action="{publish_url(old)}"' not in page
    response = client.post(publish_url(old), follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "Version 2 is already published. Start a new draft from it instead."
    ]
    old.refresh_from_db()
    assert old.status == AgreementVersion.Status.DRAFT


def test_the_confirm_page_of_a_published_version_goes_back_to_it(client, helen, v1):
    client.force_login(helen)
    response = client.get(publish_url(v1))
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:agreement_edit", args=[v1.group_id, v1.pk])


def test_the_confirm_page_is_for_facilitators_of_the_group(client, dee, tom, sam, v2):
    for person, status in ((dee, 403), (tom, 404), (sam, 403)):
        client.force_login(person)
        assert client.get(publish_url(v2)).status_code == status, person
    client.force_login(dee)
    assert client.post(publish_url(v2)).status_code == 403
    v2.refresh_from_db()
    assert v2.status == AgreementVersion.Status.DRAFT


# --- (b) her proposal gets an answer she can see ---------------------------------------


def test_taken_into_a_version(helen, sam, v1, v2):
    proposal = propose(v1, sam)
    answered = services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="taken", taken_into=v2
    )
    assert (answered.answer, answered.taken_into, answered.answered_by) == ("taken", v2, helen)
    assert answered.answered_at is not None
    [audit] = AuditEvent.objects.filter(action="agreement.proposal_answer")
    assert (audit.actor, audit.subject_user, audit.subject_id) == (helen, sam, str(proposal.pk))


def test_not_this_time_needs_a_reason(helen, sam, v1):
    proposal = propose(v1, sam)
    with pytest.raises(ValidationError) as refused:
        services.agreement_proposal_answer(
            comment=proposal, acting_user=helen, answer="not_now", reason="  "
        )
    assert refused.value.message_dict == {"reason": ["Say why, so she knows she was heard."]}
    answered = services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="not_now", reason="We will ask everyone first."
    )
    assert (answered.answer, answered.taken_into, answered.answer_reason) == (
        "not_now",
        None,
        "We will ask everyone first.",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answer": "taken"}, "taken_into"),
        ({"answer": "maybe"}, "answer"),
        ({"answer": ""}, "answer"),
    ],
)
def test_an_answer_must_be_complete(helen, sam, v1, change, field):
    proposal = propose(v1, sam)
    with pytest.raises(ValidationError) as refused:
        services.agreement_proposal_answer(comment=proposal, acting_user=helen, **change)
    assert list(refused.value.message_dict) == [field]
    proposal.refresh_from_db()
    assert proposal.answer == ""
    assert not AuditEvent.objects.filter(action="agreement.proposal_answer").exists()


def test_taken_into_an_older_or_another_groups_version_is_refused(
    helen, sam, tom, thursday_group, v1, v2
):
    proposal = propose(v2, sam)
    theirs = published(thursday_group, 5, "Theirs.")
    for version in (v1, theirs):
        with pytest.raises(ValidationError) as refused:
            services.agreement_proposal_answer(
                comment=proposal, acting_user=helen, answer="taken", taken_into=version
            )
        assert list(refused.value.message_dict) == ["taken_into"]


def test_a_plain_comment_gets_no_answer(helen, sam, v1):
    comment = services.agreement_comment(version=v1, member=sam, text="Good.", kind="comment")
    with pytest.raises(ValidationError):
        services.agreement_proposal_answer(
            comment=comment, acting_user=helen, answer="not_now", reason="x"
        )


def test_the_same_answer_twice_is_recorded_once(helen, sam, v1, v2):
    proposal = propose(v1, sam)
    first = services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="taken", taken_into=v2
    )
    again = services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="taken", taken_into=v2
    )
    assert again.answered_at == first.answered_at
    assert AuditEvent.objects.filter(action="agreement.proposal_answer").count() == 1


def test_helen_answers_from_the_page(client, helen, sam, v1, v2):
    proposal = propose(v1, sam)
    client.force_login(helen)
    drafts = html(client.get(reverse("groups:agreement_drafts", args=[v1.group_id])))
    assert "Not answered yet." in drafts
    assert answer_url(proposal) in drafts

    page = html(client.get(answer_url(proposal)))
    assert "Answer Sam’s proposed change" in page
    assert "Can we say phones off, not on silent?" in page
    assert "Version 2 (draft)" in page and "Version 1 (published)" in page

    response = client.post(
        answer_url(proposal), {"answer": "taken", "taken_into": v2.pk}, follow=True
    )
    assert response.redirect_chain == [
        (reverse("groups:agreement_drafts", args=[v1.group_id]), 302)
    ]
    assert messages_of(response) == ["Answer saved. Sam will see it on her agreement page."]
    assert "Answered: taken into version 2." in html(response)
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.taken_into) == ("taken", v2)


def test_a_refused_answer_shows_on_the_form(client, helen, sam, v1):
    proposal = propose(v1, sam)
    client.force_login(helen)
    response = client.post(answer_url(proposal), {"answer": "not_now", "reason": ""})
    assert response.status_code == 200
    assert "Say why, so she knows she was heard." in html(response)
    response = client.post(answer_url(proposal), {})
    assert "Choose an answer." in html(response)
    proposal.refresh_from_db()
    assert proposal.answer == ""


def test_only_the_groups_facilitators_answer_and_only_proposals(client, helen, dee, tom, sam, v1):
    proposal = propose(v1, sam)
    comment = services.agreement_comment(version=v1, member=sam, text="Good.", kind="comment")
    data = {"answer": "not_now", "reason": "Not now."}
    for person, status in ((dee, 403), (tom, 404), (sam, 403)):
        client.force_login(person)
        assert client.get(answer_url(proposal)).status_code == status, person
        assert client.post(answer_url(proposal), data).status_code == status, person
    client.force_login(helen)
    assert client.get(answer_url(comment)).status_code == 404
    assert client.put(answer_url(proposal)).status_code == 405
    proposal.refresh_from_db()
    assert proposal.answer == ""


def test_she_sees_the_answer_on_her_agreement_page(client, helen, sam, v1, v2):
    proposal = propose(v2, sam, "Add: we can leave the room when we need to.")
    client.force_login(sam)
    url = reverse("groups:my_agreement", args=[v1.group_id])
    page = html(client.get(url))
    assert "Add: we can leave the room when we need to." in page
    assert "The group has not answered yet." in page

    services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="taken", taken_into=v2
    )
    page = html(client.get(url))
    assert "The group’s answer: yes.</strong> It is in version 2, which is not agreed yet." in page

    services.agreement_publish(version=v2, acting_user=helen)
    page = html(client.get(url))
    # The draft she wrote about is now the agreement: her proposal and its answer stay.
    assert "Add: we can leave the room when we need to." in page
    assert "The group’s answer: yes.</strong> It is in version 2." in page


def test_she_sees_not_this_time_and_why(client, helen, sam, v1):
    proposal = propose(v1, sam)
    services.agreement_proposal_answer(
        comment=proposal, acting_user=helen, answer="not_now", reason="Some of us need phones on."
    )
    client.force_login(sam)
    page = html(client.get(reverse("groups:my_agreement", args=[v1.group_id])))
    assert "The group’s answer: not this time.</strong> Why: Some of us need phones on." in page


def test_she_sees_only_her_own_proposals(client, helen, sam, maria, v1):
    propose(v1, maria, "Maria's idea.")
    client.force_login(sam)
    assert "Maria&#x27;s idea." not in html(
        client.get(reverse("groups:my_agreement", args=[v1.group_id]))
    )


# --- (c) the notice: only if she has not answered, never on break or leave ---------------


def member_pages(group) -> dict[str, str]:
    return {
        "details": reverse("groups:my_details"),
        "contact": reverse("groups:my_contact"),
        "break": reverse("groups:my_step_back", args=[group.pk]),
        "leave": reverse("groups:my_leave", args=[group.pk]),
    }


def test_the_notice_is_not_on_the_break_and_leave_pages(client, sam, group, v1):
    client.force_login(sam)
    shown = {name: NOTICE in html(client.get(url)) for name, url in member_pages(group).items()}
    assert shown == {"details": True, "contact": True, "break": False, "leave": False}


def test_the_notice_is_gone_everywhere_once_she_answered(client, sam, maria, group, v1, v2):
    services.agreement_respond(version=v1, member=sam, agrees=True)
    client.force_login(sam)
    for name, url in member_pages(group).items():
        assert NOTICE not in html(client.get(url)), name
    assert NOTICE not in html(client.get(reverse("member_home")))
    client.force_login(maria)  # she has not answered: she still sees it
    assert NOTICE in html(client.get(reverse("groups:my_details")))


def test_a_new_version_asks_again_even_if_she_answered_the_old_one(client, helen, sam, v1, v2):
    services.agreement_respond(version=v1, member=sam, agrees=True)
    services.agreement_publish(version=v2, acting_user=helen)
    client.force_login(sam)
    assert NOTICE in html(client.get(reverse("groups:my_details")))
    services.agreement_respond(version=v2, member=sam, agrees=True)
    assert NOTICE not in html(client.get(reverse("groups:my_details")))
