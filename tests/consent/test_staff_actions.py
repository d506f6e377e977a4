"""What the staff consent pages change: an answer recorded with her, something she said
written down, the quotes a report may use, and erasing her data. Each change works, is
refused when it should be, and happens once however often the button is pressed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from consent import policy, services
from consent.models import Answer, ConsentEvent, Contribution, ErasureRequest, Visibility
from coproduction.accounts.models import User
from coproduction.audit.models import AuditEvent
from groups.models import Membership, Profile
from tests.consent.test_staff_pages import (
    HOW,
    VALID_ANSWER,
    VALID_CONTRIBUTION,
    make_world,
    purpose,
    say,
    share,
    url_for,
)


@pytest.fixture
def world(db):
    w = make_world()
    w.maria_erasure = services.erasure_request(member=w.maria, acting_user=w.maria)
    return w


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def on_behalf_events(member) -> list[ConsentEvent]:
    return list(ConsentEvent.objects.filter(member=member).exclude(recorded_by=member))


# --- an answer she gave in person ---------------------------------------------------


def test_recording_her_answer(client, world):
    client.force_login(world.helen)
    response = client.post(url_for("record_answer", world), VALID_ANSWER, follow=True)
    [event] = on_behalf_events(world.sam)
    assert event.purpose.slug == "photos"
    assert event.answer == Answer.YES
    assert event.recorded_by == world.helen
    assert event.method == ConsentEvent.Method.IN_PERSON
    assert event.how_she_told_us == HOW
    assert event.text == purpose("photos").texts.get(version=1)
    assert "Sam's answer is recorded. It applies at once." in told(response)
    assert AuditEvent.objects.filter(
        action="consent.record", actor=world.helen, subject_user=world.sam
    ).exists()
    # The one policy reads it at once.
    assert policy.allows(world.sam, "photos")


def test_recording_the_same_answer_twice_is_one_event(client, world):
    client.force_login(world.helen)
    client.post(url_for("record_answer", world), VALID_ANSWER)
    response = client.post(url_for("record_answer", world), VALID_ANSWER, follow=True)
    assert len(on_behalf_events(world.sam)) == 1
    assert "That was already Sam's answer: nothing changed." in told(response)
    assert AuditEvent.objects.filter(action="consent.record").count() == 1


def test_recording_what_she_already_said_in_the_portal_appends_nothing(client, world):
    say(world.sam, "photos", Answer.YES)
    client.force_login(world.helen)
    response = client.post(url_for("record_answer", world), VALID_ANSWER, follow=True)
    assert on_behalf_events(world.sam) == []
    assert "That was already Sam's answer: nothing changed." in told(response)


def test_withdrawing_on_her_behalf(client, world):
    say(world.sam, "photos", Answer.YES)
    client.force_login(world.helen)
    client.post(
        url_for("record_answer", world),
        {**VALID_ANSWER, "answer": Answer.NO, "method": ConsentEvent.Method.PHONE},
    )
    assert not policy.allows(world.sam, "photos")
    page = client.get(url_for("group_choices", world)).content.decode()
    assert "0 members agreed to be photographed." in page


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"how_she_told_us": ""}, "Say how she told you."),
        ({"how_she_told_us": "   "}, "Say how she told you."),
        ({"method": "portal"}, "Select a valid choice."),
        ({"method": ""}, "Choose how she gave her answer."),
        ({"answer": "maybe"}, "Select a valid choice."),
        ({"answer": ""}, "Choose her answer."),
        ({"purpose": "not_a_purpose"}, "Select a valid choice."),
        ({"purpose": ""}, "Choose the question she answered."),
        ({"how_she_told_us": "x" * 501}, "at most 500 characters"),
    ],
)
def test_an_incomplete_answer_is_refused_with_a_reason(client, world, change, error):
    client.force_login(world.helen)
    response = client.post(url_for("record_answer", world), {**VALID_ANSWER, **change})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert on_behalf_events(world.sam) == []


def test_the_service_refusal_shows_as_a_form_error(client, world):
    """Lou left the group: nobody may record an answer for her any more."""
    client.force_login(world.helen)
    response = client.post(url_for("record_answer", world, member="lou"), VALID_ANSWER)
    assert response.status_code == 200
    assert "Only she, or a facilitator of her group, can record this." in (
        response.content.decode()
    )
    assert on_behalf_events(world.lou) == []


def test_a_facilitator_who_stepped_back_cannot_record(client, world):
    Membership.objects.filter(user=world.helen).update(status=Membership.Status.STEPPED_BACK)
    client.force_login(world.helen)
    response = client.post(url_for("record_answer", world), VALID_ANSWER)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert on_behalf_events(world.sam) == []


def test_a_support_worker_cannot_record_even_for_her_own_member(client, world):
    client.force_login(world.dee)
    assert client.post(url_for("record_answer", world), VALID_ANSWER).status_code == 403
    assert on_behalf_events(world.sam) == []


# --- something she said ---------------------------------------------------------------


def test_writing_down_something_she_said(client, world):
    client.force_login(world.helen)
    response = client.post(url_for("save_contribution", world), VALID_CONTRIBUTION, follow=True)
    [contribution] = Contribution.objects.all()
    assert contribution.member == world.sam
    assert contribution.group == world.group
    assert contribution.kind == Contribution.Kind.IDEA
    assert contribution.text == "Text reminders a day before."
    assert contribution.visibility == Visibility.ONLY_ME
    assert contribution.recorded_by == world.helen
    [message] = told(response)
    assert "Only Sam can see it for now: she decides who sees it, in her portal." in message
    assert AuditEvent.objects.filter(action="contribution.add", subject_user=world.sam).exists()


def test_what_she_said_stays_hers_until_she_shares_it(client, world):
    client.force_login(world.helen)
    client.post(url_for("save_contribution", world), {**VALID_CONTRIBUTION, "kind": "quote"})
    page = client.get(url_for("group_contributions", world)).content.decode()
    assert "Text reminders" not in page
    contribution = Contribution.objects.get()
    services.contribution_set_visibility(
        contribution=contribution, visibility=Visibility.FACILITATORS, acting_user=world.sam
    )
    page = client.get(url_for("group_contributions", world)).content.decode()
    assert "Text reminders a day before." in page
    assert "Something she said" in page


def test_a_posted_visibility_is_ignored(client, world):
    client.force_login(world.helen)
    client.post(
        url_for("save_contribution", world),
        {**VALID_CONTRIBUTION, "visibility": Visibility.CREDITED},
    )
    assert Contribution.objects.get().visibility == Visibility.ONLY_ME


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"she_agreed": ""}, "Write it down only if she agreed"),
        ({"text": ""}, "Write down what she said first."),
        ({"text": "  \n "}, "Write down what she said first."),
        ({"kind": "story"}, "Select a valid choice."),
    ],
)
def test_a_contribution_needs_her_agreement_and_words(client, world, change, error):
    client.force_login(world.helen)
    data = {k: v for k, v in {**VALID_CONTRIBUTION, **change}.items() if v != ""}
    response = client.post(url_for("save_contribution", world), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Contribution.objects.exists()


def test_nothing_can_be_written_down_for_someone_who_left(client, world):
    client.force_login(world.helen)
    response = client.post(url_for("save_contribution", world, member="lou"), VALID_CONTRIBUTION)
    assert response.status_code == 200
    assert "She is not in this group." in response.content.decode()
    assert not Contribution.objects.exists()


# --- the quotes a report may use ---------------------------------------------------------


def export(client, w) -> list[dict[str, str]]:
    response = client.get(url_for("outputs_export", w))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_is_a_csv_download_and_is_audited(client, world):
    client.force_login(world.helen)
    response = client.get(url_for("outputs_export", world))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="group-quotes.csv"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.decode().splitlines() == ["text,kind,credit,date"]
    [audit] = AuditEvent.objects.filter(action="outputs.export")
    assert audit.actor == world.helen
    assert (audit.subject_type, audit.subject_id) == ("groups.coprogroup", str(world.group.pk))


def test_withdrawing_consent_takes_her_quote_out_of_the_very_next_export(client, world):
    """DESIGN.md rule 2 and the issue's point 6: one policy, everywhere, at once."""
    share(world.sam, world.group, "They should not call my name out.", Visibility.ANONYMISED)
    client.force_login(world.helen)
    assert export(client, world) == []  # every choice starts at no

    say(world.sam, "anonymous_quotes", Answer.YES)
    [row] = export(client, world)
    assert row["text"] == "They should not call my name out."
    assert row["credit"] == ""
    assert row["kind"] == "Something I said"

    services.consent_record(
        member=world.sam,
        purpose=purpose("anonymous_quotes"),
        answer=Answer.NO,
        acting_user=world.sam,
    )
    assert export(client, world) == []


def test_withdrawing_on_the_page_takes_her_quote_out_too(client, world):
    share(world.sam, world.group, "Mornings are hard.", Visibility.ANONYMISED)
    say(world.sam, "anonymous_quotes", Answer.YES)
    client.force_login(world.helen)
    assert len(export(client, world)) == 1
    client.post(
        url_for("record_answer", world),
        {**VALID_ANSWER, "purpose": "anonymous_quotes", "answer": Answer.NO},
    )
    assert export(client, world) == []


def test_credit_names_her_only_while_she_says_yes(client, world):
    share(world.sam, world.group, "Ask about access needs at booking.", Visibility.CREDITED)
    say(world.sam, "anonymous_quotes", Answer.YES)
    say(world.sam, "named_credit", Answer.YES)
    client.force_login(world.helen)
    [row] = export(client, world)
    assert row["credit"] == "Sam"  # the name she chose, not her account's "Samantha"

    say(world.sam, "named_credit", Answer.NO)
    [row] = export(client, world)
    assert row["credit"] == ""
    assert row["text"] == "Ask about access needs at booking."

    Profile.objects.filter(user=world.sam).update(preferred_name="Sammy")
    say(world.sam, "named_credit", Answer.YES)
    [row] = export(client, world)
    assert row["credit"] == "Sammy"


def test_the_export_holds_only_what_may_be_in_reports(client, world):
    for visibility in Visibility.values:
        share(world.sam, world.group, f"Sam for {visibility}.", visibility)
    share(world.aisha, world.thursday, "Aisha's words.", Visibility.CREDITED)
    say(world.aisha, "anonymous_quotes", Answer.YES)
    say(world.sam, "anonymous_quotes", Answer.YES)
    client.force_login(world.helen)
    texts = {row["text"] for row in export(client, world)}
    assert texts == {"Sam for anonymised.", "Sam for credited."}


def test_a_quote_cannot_become_a_spreadsheet_formula(client, world):
    share(world.sam, world.group, '=HYPERLINK("http://x","y")', Visibility.ANONYMISED)
    share(world.sam, world.group, "-1 for the waiting room", Visibility.ANONYMISED)
    say(world.sam, "anonymous_quotes", Answer.YES)
    client.force_login(world.helen)
    texts = {row["text"] for row in export(client, world)}
    assert texts == {'\'=HYPERLINK("http://x","y")', "'-1 for the waiting room"}


def test_refused_exports_are_not_audited(client, world):
    for who in (world.tom, world.dee, world.sam):
        client.force_login(who)
        assert client.get(url_for("outputs_export", world)).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="outputs.export").exists()


# --- erasure ----------------------------------------------------------------------------

KEPT = "A safeguarding record from March 2026, held by the charity's safeguarding lead."


def test_confirming_with_a_reason_waits_for_her_to_see_it(client, world):
    client.force_login(world.helen)
    response = client.post(
        url_for("erasure_confirm", world), {"kept_for_legal_reasons": f"  {KEPT}\n"}, follow=True
    )
    request = ErasureRequest.objects.get(pk=world.maria_erasure.pk)
    assert request.status == ErasureRequest.Status.CONFIRMED
    assert request.kept_for_legal_reasons == KEPT
    assert User.objects.filter(pk=world.maria.pk).exists()
    assert any("is confirmed" in m for m in told(response))


def test_confirming_erases_her_and_keeps_the_tombstone(client, world):
    maria_id = world.maria.pk
    client.force_login(world.helen)
    client.post(url_for("erasure_confirm", world), {"kept_for_legal_reasons": f"  {KEPT}\n"})
    with time_machine.travel(world.maria_erasure.stands_at + dt.timedelta(minutes=1)):
        services.erasures_due()
    response = client.get(url_for("erasure_requests", world))
    assert not User.objects.filter(pk=maria_id).exists()
    assert not Membership.objects.filter(user_id=maria_id).exists()
    request = ErasureRequest.objects.get(pk=world.maria_erasure.pk)
    assert request.member is None
    assert request.member_ref == maria_id
    assert request.status == ErasureRequest.Status.DONE
    assert request.kept_for_legal_reasons == KEPT
    assert request.decided_by == world.helen
    assert request.completed_at is not None
    page = response.content.decode()
    assert escape(KEPT) in page
    assert "Maria" not in page
    assert response.context["done"] == [request]
    assert response.context["pending"] == []


def test_confirming_twice_erases_once(client, world):
    client.force_login(world.helen)
    client.post(url_for("erasure_confirm", world), {})
    response = client.post(
        url_for("erasure_confirm", world), {"kept_for_legal_reasons": "Something else"}, follow=True
    )
    assert response.status_code == 200
    assert f"Request {world.maria_erasure.pk} was already carried out." in told(response)
    request = ErasureRequest.objects.get(pk=world.maria_erasure.pk)
    assert request.kept_for_legal_reasons == ""
    assert AuditEvent.objects.filter(action="erasure.done").count() == 1
    assert AuditEvent.objects.filter(action="erasure.confirm").count() == 1


def test_confirming_twice_with_a_reason_confirms_once(client, world):
    client.force_login(world.helen)
    client.post(url_for("erasure_confirm", world), {"kept_for_legal_reasons": KEPT})
    client.post(url_for("erasure_confirm", world), {"kept_for_legal_reasons": "Something else"})
    request = ErasureRequest.objects.get(pk=world.maria_erasure.pk)
    assert request.kept_for_legal_reasons == KEPT
    assert request.status == ErasureRequest.Status.CONFIRMED
    assert AuditEvent.objects.filter(action="erasure.confirm").count() == 1


def test_confirming_with_nothing_kept(client, world):
    client.force_login(world.helen)
    response = client.post(url_for("erasure_confirm", world), {}, follow=True)
    request = ErasureRequest.objects.get(pk=world.maria_erasure.pk)
    assert request.status == ErasureRequest.Status.DONE
    assert request.kept_for_legal_reasons == ""
    assert "Nothing" in response.content.decode()


def test_a_note_too_long_is_refused_and_nothing_happens(client, world):
    client.force_login(world.helen)
    response = client.post(
        url_for("erasure_confirm", world), {"kept_for_legal_reasons": "x" * 2001}, follow=True
    )
    assert any("at most 2000 characters" in m for m in told(response))
    world.maria_erasure.refresh_from_db()
    assert world.maria_erasure.status == ErasureRequest.Status.REQUESTED
    assert User.objects.filter(pk=world.maria.pk).exists()


def test_a_request_of_another_groups_member_is_404(client, world):
    theirs = services.erasure_request(member=world.aisha, acting_user=world.aisha)
    client.force_login(world.helen)
    url = reverse("consent:erasure_confirm", args=[world.group.pk, theirs.pk])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ErasureRequest.Status.REQUESTED
    assert User.objects.filter(pk=world.aisha.pk).exists()


def test_tom_cannot_confirm_through_his_own_group(client, world):
    client.force_login(world.tom)
    url = reverse("consent:erasure_confirm", args=[world.thursday.pk, world.maria_erasure.pk])
    assert client.post(url).status_code == 404
    assert User.objects.filter(pk=world.maria.pk).exists()


def test_a_withdrawn_request_cannot_be_confirmed(client, world):
    services.erasure_withdraw(erasure=world.maria_erasure, acting_user=world.maria)
    client.force_login(world.helen)
    assert client.post(url_for("erasure_confirm", world)).status_code == 404
    assert User.objects.filter(pk=world.maria.pk).exists()


def test_a_facilitator_who_stepped_back_cannot_confirm(client, world):
    Membership.objects.filter(user=world.helen).update(status=Membership.Status.STEPPED_BACK)
    client.force_login(world.helen)
    response = client.post(url_for("erasure_confirm", world), follow=True)
    assert any("Only a facilitator of her group" in m for m in told(response))
    assert User.objects.filter(pk=world.maria.pk).exists()


def test_a_request_that_stood_by_itself_shows_in_her_groups_page(client, world):
    """The groups she was in when she asked stay with the request after erasure."""
    services.erasure_carry_out(request_id=world.maria_erasure.pk)
    client.force_login(world.helen)
    response = client.get(url_for("erasure_requests", world))
    assert [r.pk for r in response.context["done"]] == [world.maria_erasure.pk]
    response = client.post(url_for("erasure_confirm", world), follow=True)
    assert f"Request {world.maria_erasure.pk} was already carried out." in told(response)


def test_tombstones_do_not_show_in_another_group(client, world):
    client.force_login(world.helen)
    client.post(url_for("erasure_confirm", world), {"kept_for_legal_reasons": KEPT})
    services.erasure_carry_out(request_id=world.maria_erasure.pk)
    client.force_login(world.tom)
    response = client.get(reverse("consent:erasure_requests", args=[world.thursday.pk]))
    assert response.context["done"] == []
    assert escape(KEPT) not in response.content.decode()
