"""Her consent pages work for her: every choice on one page, changed with one tap and
kept in an append-only ledger; her history in plain words; the things she said, each
with who sees it; and what each audience sees about her, through the one policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from consent import policy, services
from consent.models import Answer, ConsentEvent, ConsentText, Contribution, Visibility
from coproduction.audit.models import AuditEvent
from coproduction.core.dates import day
from groups.models import Membership
from tests.factories import CoproGroupFactory, MembershipFactory

ANON_QUOTES = "May we use your words in reports, without your name?"
NAMED_CREDIT = "May we thank you by name in reports?"


def html(response) -> str:
    return response.content.decode()


def last_message(response) -> str:
    """The newest message (earlier requests' messages wait, unread, before it)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def section(page: str, slug: str) -> str:
    """The row of the summary about one purpose."""
    start = page.index(f'id="purpose-{slug}"')
    end = page.find("</div>", start)
    return page[start:end]


def set_url(slug: str) -> str:
    return reverse("consent:my_choice_set", args=[slug])


def record(member, purposes, slug, answer, acting_user=None, **kwargs):
    return services.consent_record(
        member=member,
        purpose=purposes[slug],
        answer=answer,
        acting_user=acting_user or member,
        **kwargs,
    )


def ledger(member, slug=None):
    events = ConsentEvent.objects.filter(member=member)
    if slug:
        events = events.filter(purpose__slug=slug)
    return list(events.order_by("id"))


# --- every member page of this app ----------------------------------------------------

PAGES = [
    "consent:my_choices",
    "consent:my_choice_history",
    "consent:my_contributions",
    "consent:my_who_sees_what",
    "consent:my_data",
]


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_a_member_page(member_client, tuesday_group, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 200
    page = html(response)
    assert 'aria-label="Main"' in page
    assert page.count('href="/exit/"') == 2
    assert "no-store" in response["Cache-Control"]
    assert page.count("<h1") == 1
    assert "<table" not in page
    assert response.templates[0].name.startswith("consent/member/")
    assert "base_member.html" in [t.name for t in response.templates]


def test_home_offers_the_consent_pages_one_tap_away(member_client):
    page = html(member_client.get(reverse("member_home")))
    for label, name in [
        ("Your choices", "consent:my_choices"),
        ("More", "consent:my_more"),
    ]:
        assert f'href="{reverse(name)}">{label}</a>' in page
    # Her dates came first on her home: who sees what is one tap further, under More.
    more = html(member_client.get(reverse("consent:my_more")))
    for label, name in [
        ("Who sees what", "consent:my_who_sees_what"),
        ("Things you said", "consent:my_contributions"),
        ("Who looked at my details", "consent:my_who_looked"),
        ("Your information", "consent:my_data"),
    ]:
        assert f'href="{reverse(name)}">{label}</a>' in more


# --- her choices: the page ---------------------------------------------------------------


def question(member_client, slug: str) -> str:
    return html(member_client.get(set_url(slug)))


def test_the_summary_lists_every_active_purpose_with_a_change_link(member_client, purposes):
    page = html(member_client.get(reverse("consent:my_choices")))
    for purpose in purposes.values():
        text = purpose.texts.get(version=1)
        part = section(page, purpose.address_slug)
        assert f"<dt>{text.question}</dt>" in part
        assert f'href="{set_url(purpose.slug)}"' in part
    assert page.count('class="answer-row"') == len(purposes)
    # One thing per screen: no answer buttons and no explanations on the summary.
    assert "<button" not in page.split("<main", 1)[1].split("</main>")[0]
    assert purposes["photos"].texts.get().explanation not in page


def test_each_question_has_its_own_screen(member_client, purposes):
    for purpose in purposes.values():
        text = purpose.texts.get(version=1)
        page = question(member_client, purpose.slug)
        assert f'<h1 class="h2" id="question">{text.question}</h1>' in page
        assert text.explanation in page
        assert f'action="{set_url(purpose.slug)}"' in page
        for value, label in Answer.choices:
            assert re.search(rf'name="answer" value="{value}"[^>]*>{label}</button>', page)
        assert page.count('name="answer"') == len(Answer.choices)
        assert f'href="{reverse("consent:my_choices")}"' in page


def test_defaults_are_no_with_nothing_pressed(member_client, purposes):
    page = html(member_client.get(reverse("consent:my_choices")))
    assert page.count("Not answered yet, so No") == len(purposes)
    one = question(member_client, "photos")
    assert "Not answered yet, so we take it as No." in one
    assert 'aria-pressed="true"' not in one
    assert one.count('aria-pressed="false"') == 3
    assert "✓" not in one
    assert " checked" not in one  # nothing pre-ticked


def test_an_inactive_purpose_is_not_asked(member_client, purposes):
    purposes["photos"].is_active = False
    purposes["photos"].save()
    page = html(member_client.get(reverse("consent:my_choices")))
    assert 'id="purpose-photos"' not in page
    assert 'id="purpose-recordings"' in page
    assert member_client.get(set_url("photos")).status_code == 404


def test_her_answer_shows_pressed_and_is_perceivable_without_colour(member_client, sam, purposes):
    with time_machine.travel("2026-03-03 12:00", tick=False):
        record(sam, purposes, "anonymous_quotes", Answer.YES)
    page = html(member_client.get(reverse("consent:my_choices")))
    part = section(page, "anonymous_quotes")
    assert "<strong>Yes</strong>" in part
    assert "Not answered yet" not in part
    assert page.count("Not answered yet, so No") == len(purposes) - 1
    one = question(member_client, "anonymous_quotes")
    assert "Your answer now: <strong>Yes</strong>" in one
    assert f"since {day(dt.date(2026, 3, 3))}" in one
    assert re.search(
        r'value="yes"[^>]*aria-pressed="true"><span aria-hidden="true">✓ </span>Yes<', one
    )
    assert re.search(r'value="no"[^>]*aria-pressed="false">No<', one)
    assert one.count('aria-pressed="true"') == 1


def test_the_page_says_where_contact_is_set(member_client):
    page = html(member_client.get(reverse("consent:my_choices")))
    assert (
        f'How we may get in touch is on <a href="{reverse("groups:my_contact")}">'
        "How you may contact me</a>." in page
    )


def test_the_page_links_to_her_history(member_client):
    page = html(member_client.get(reverse("consent:my_choices")))
    assert f'href="{reverse("consent:my_choice_history")}"' in page


def test_an_answer_a_facilitator_recorded_shows_as_hers(
    member_client, sam, helen, helen_fac, purposes
):
    record(
        sam,
        purposes,
        "photos",
        Answer.NO,
        acting_user=helen,
        method=ConsentEvent.Method.IN_PERSON,
        how_she_told_us="At the session",
    )
    part = section(html(member_client.get(reverse("consent:my_choices"))), "photos")
    assert "<strong>No</strong>" in part
    assert re.search(r'value="no"[^>]*aria-pressed="true"', question(member_client, "photos"))


# --- her choices: one tap ---------------------------------------------------------------


def test_yes_is_one_tap(member_client, sam, purposes):
    response = member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:my_choices") + "#purpose-anonymous_quotes"
    assert last_message(response) == f"Saved: you said Yes to ‘{ANON_QUOTES}’."
    [event] = ledger(sam)
    assert (event.answer, event.purpose.slug, event.recorded_by, event.method) == (
        "yes",
        "anonymous_quotes",
        sam,
        ConsentEvent.Method.PORTAL,
    )
    assert event.text == purposes["anonymous_quotes"].texts.get()
    assert AuditEvent.objects.filter(action="consent.record", subject_user=sam).count() == 1


def test_the_way_back_names_no_support_role(member_client, sam, purposes):
    slug = "checkins_seen_by_support_worker"
    response = member_client.post(set_url(slug), {"answer": "yes"})
    assert (
        response["Location"] == reverse("consent:my_choices") + "#purpose-checkins_seen_by_worker"
    )
    summary = member_client.get(reverse("consent:my_choices")).content.decode()
    assert 'id="purpose-checkins_seen_by_worker"' in summary
    assert "support" not in summary.split('id="purpose-', 1)[1].split('"', 1)[0]


def test_no_is_one_tap_just_like_yes(member_client, sam, purposes):
    member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    response = member_client.post(set_url("anonymous_quotes"), {"answer": "no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:my_choices") + "#purpose-anonymous_quotes"
    assert last_message(response) == f"Saved: you said No to ‘{ANON_QUOTES}’."
    assert [e.answer for e in ledger(sam)] == ["yes", "no"]
    assert not policy.allows(sam, "anonymous_quotes")


def test_ask_me_each_time_is_one_tap_too(member_client, sam, purposes):
    response = member_client.post(set_url("photos"), {"answer": "ask"})
    assert (
        last_message(response)
        == "Saved: we will ask you each time about ‘May we take photos with you in them?’."
    )
    assert [e.answer for e in ledger(sam)] == ["ask"]
    assert not policy.allows(sam, "photos")


def test_answering_twice_the_same_appends_one_event(member_client, sam, purposes):
    for _ in range(2):
        response = member_client.post(set_url("named_credit"), {"answer": "yes"})
        assert response.status_code == 302
    assert len(ledger(sam)) == 1
    assert last_message(response) == f"Saved: you said Yes to ‘{NAMED_CREDIT}’."


def test_saying_no_to_a_default_is_recorded(member_client, sam, purposes):
    """Her "no" is kept as her answer, not left as our default."""
    member_client.post(set_url("photos"), {"answer": "no"})
    assert [e.answer for e in ledger(sam)] == ["no"]
    part = section(html(member_client.get(reverse("consent:my_choices"))), "photos")
    assert "<strong>No</strong>" in part


def test_each_answer_is_kept_in_order(member_client, sam, purposes):
    for answer in ("yes", "no", "ask", "yes"):
        member_client.post(set_url("recordings"), {"answer": answer})
    assert [e.answer for e in ledger(sam, "recordings")] == ["yes", "no", "ask", "yes"]
    assert ledger(sam, "photos") == []


@pytest.mark.parametrize("data", [{"answer": "maybe"}, {"answer": ""}, {}])
def test_a_wrong_answer_changes_nothing_and_says_so(member_client, sam, purposes, data):
    response = member_client.post(set_url("photos"), data)
    assert response.status_code == 302
    assert response["Location"] == set_url("photos")
    assert (
        last_message(response) == "Nothing was changed. Please choose Yes, No or Ask me each time."
    )
    assert ledger(sam) == []


def test_an_unknown_or_inactive_purpose_is_404(member_client, sam, purposes):
    assert member_client.post(set_url("no-such"), {"answer": "yes"}).status_code == 404
    assert member_client.get(set_url("no-such")).status_code == 404
    purposes["photos"].is_active = False
    purposes["photos"].save()
    assert member_client.post(set_url("photos"), {"answer": "yes"}).status_code == 404
    assert ledger(sam) == []


def test_a_question_refuses_other_methods(member_client, purposes):
    assert member_client.put(set_url("photos")).status_code == 405
    assert member_client.post(reverse("consent:my_choices")).status_code == 405


def test_a_service_refusal_is_a_message_not_an_error_page(member_client, sam, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("Not now.")

    monkeypatch.setattr(services, "consent_record", refuse)
    response = member_client.post(set_url("photos"), {"answer": "yes"})
    assert response.status_code == 302
    assert response["Location"] == set_url("photos")
    assert last_message(response) == "Not now."


def test_the_change_shows_on_the_summary_she_comes_back_to(member_client, sam, purposes):
    response = member_client.post(set_url("anonymous_quotes"), {"answer": "yes"}, follow=True)
    assert "<strong>Yes</strong>" in section(html(response), "anonymous_quotes")
    response = member_client.post(set_url("anonymous_quotes"), {"answer": "no"}, follow=True)
    page = html(response)
    assert f"Saved: you said No to ‘{ANON_QUOTES}’." in page
    assert "<strong>No</strong>" in section(page, "anonymous_quotes")
    one = question(member_client, "anonymous_quotes")
    assert re.search(r'value="no"[^>]*aria-pressed="true"', one)
    assert re.search(r'value="yes"[^>]*aria-pressed="false"', one)


# --- new wording --------------------------------------------------------------------------


@pytest.fixture
def publish_new_wording(purposes):
    """Publish version 2 of "anonymous quotes" (call it after her first answer)."""

    def publish() -> ConsentText:
        return ConsentText.objects.create(
            purpose=purposes["anonymous_quotes"],
            version=2,
            question="May we quote you in reports and talks, without your name?",
            explanation="Now also in talks at conferences, never with your name.",
        )

    return publish


def test_new_wording_asks_her_to_check_her_answer(
    member_client, sam, purposes, publish_new_wording
):
    record(sam, purposes, "anonymous_quotes", Answer.YES)
    new_wording = publish_new_wording()
    page = html(member_client.get(reverse("consent:my_choices")))
    part = section(page, "anonymous_quotes")
    assert new_wording.question in part
    assert ANON_QUOTES not in part
    assert "The words changed. Please look again." in part
    assert page.count("The words changed.") == 1
    one = question(member_client, "anonymous_quotes")
    assert new_wording.explanation in one
    assert "The words of this question changed." in one
    assert re.search(r'value="yes"[^>]*aria-pressed="true"', one)


def test_keep_my_answer_appends_an_event_for_the_new_wording(
    member_client, sam, purposes, publish_new_wording
):
    first = record(sam, purposes, "anonymous_quotes", Answer.YES)
    new_wording = publish_new_wording()
    response = member_client.post(set_url("anonymous_quotes"), {"answer": "yes"}, follow=True)
    events = ledger(sam)
    assert [(e.answer, e.text_id) for e in events] == [
        ("yes", first.text_id),
        ("yes", new_wording.pk),
    ]
    assert "The words changed." not in section(html(response), "anonymous_quotes")
    # Once more changes nothing: the same answer to the same wording.
    member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    assert len(ledger(sam)) == 2


def test_she_may_change_her_answer_to_the_new_wording(
    member_client, sam, purposes, publish_new_wording
):
    record(sam, purposes, "anonymous_quotes", Answer.YES)
    new_wording = publish_new_wording()
    member_client.post(set_url("anonymous_quotes"), {"answer": "no"})
    last = ledger(sam)[-1]
    assert (last.answer, last.text_id) == ("no", new_wording.pk)


def test_new_wording_asks_nothing_of_someone_who_never_answered(
    member_client, purposes, publish_new_wording
):
    new_wording = publish_new_wording()
    part = section(html(member_client.get(reverse("consent:my_choices"))), "anonymous_quotes")
    assert "The words changed" not in part
    assert "Not answered yet, so No" in part
    assert new_wording.question in part


# --- her history --------------------------------------------------------------------------


def test_history_in_plain_words_newest_first(member_client, sam, helen, helen_fac, purposes):
    with time_machine.travel("2026-03-03 12:00", tick=False):
        record(sam, purposes, "anonymous_quotes", Answer.YES)
    with time_machine.travel("2026-05-09 12:00", tick=False):
        record(sam, purposes, "anonymous_quotes", Answer.NO)
    with time_machine.travel("2026-05-10 12:00", tick=False):
        record(sam, purposes, "photos", Answer.ASK)
    with time_machine.travel("2026-06-01 12:00", tick=False):
        record(
            sam,
            purposes,
            "named_credit",
            Answer.NO,
            acting_user=helen,
            method=ConsentEvent.Method.IN_PERSON,
            how_she_told_us="She told me after the session.",
        )
    response = member_client.get(reverse("consent:my_choice_history"))
    assert response.status_code == 200
    lines = [line["text"] for line in response.context["lines"]]
    assert lines == [
        f"On {day(dt.date(2026, 6, 1))} Helen Ward recorded that you said no to "
        f"‘{NAMED_CREDIT}’ (in person).",
        f"On {day(dt.date(2026, 5, 10))} you asked us to ask you each time about "
        "‘May we take photos with you in them?’.",
        f"On {day(dt.date(2026, 5, 9))} you said no to ‘{ANON_QUOTES}’.",
        f"On {day(dt.date(2026, 3, 3))} you said yes to ‘{ANON_QUOTES}’.",
    ]
    page = html(response)
    assert "They wrote: “She told me after the session.”" in page
    assert page.index(f"On {day(dt.date(2026, 6, 1))}") < page.index(
        f"On {day(dt.date(2026, 3, 3))}"
    )


def test_history_when_who_recorded_it_has_gone(member_client, sam, helen, helen_fac, purposes):
    record(
        sam,
        purposes,
        "photos",
        Answer.NO,
        acting_user=helen,
        method=ConsentEvent.Method.PHONE,
        how_she_told_us="By phone",
    )
    helen.delete()
    lines = member_client.get(reverse("consent:my_choice_history")).context["lines"]
    assert lines[0]["text"].endswith(
        "Someone whose account is now closed recorded that you said no to "
        "‘May we take photos with you in them?’ (on the phone)."
    )


def test_history_keeps_the_words_she_saw(member_client, sam, purposes, publish_new_wording):
    record(sam, purposes, "anonymous_quotes", Answer.YES)
    new_wording = publish_new_wording()
    record(sam, purposes, "anonymous_quotes", Answer.NO)
    lines = [
        line["text"]
        for line in member_client.get(reverse("consent:my_choice_history")).context["lines"]
    ]
    assert new_wording.question in lines[0]
    assert ANON_QUOTES in lines[1]


def test_history_shows_only_hers(member_client, sam, maria, maria_membership, purposes):
    record(maria, purposes, "photos", Answer.YES)
    response = member_client.get(reverse("consent:my_choice_history"))
    assert response.context["lines"] == []
    assert "You have not answered anything yet." in html(response)


def test_history_is_a_page_at_a_time(member_client, sam, purposes):
    text = purposes["photos"].texts.get()
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            member=sam,
            purpose=purposes["photos"],
            text=text,
            answer="yes" if n % 2 else "no",
            recorded_by=sam,
        )
        for n in range(120)
    )
    url = reverse("consent:my_choice_history")
    first = member_client.get(url)
    assert len(first.context["lines"]) == 50
    assert 'href="?page=2">Older</a>' in html(first)
    assert "Newer" not in html(first)
    last = member_client.get(url + "?page=3")
    assert len(last.context["lines"]) == 20
    assert 'href="?page=2">Newer</a>' in html(last)
    assert "Older" not in html(last)
    # A page number that is not a page is the last page, not an error.
    assert member_client.get(url + "?page=99").context["page"].number == 3
    assert member_client.get(url + "?page=x").context["page"].number == 1


def test_her_change_is_in_her_history_at_once(member_client, sam, purposes):
    member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    member_client.post(set_url("anonymous_quotes"), {"answer": "no"})
    page = html(member_client.get(reverse("consent:my_choice_history")))
    assert page.index(f"you said no to ‘{ANON_QUOTES}’") < page.index(
        f"you said yes to ‘{ANON_QUOTES}’"
    )


# --- the things she said ---------------------------------------------------------------


def add(member, group, text="Reception should not ask why.", visibility=Visibility.ONLY_ME):
    return services.contribution_add(
        member=member,
        group=group,
        text=text,
        kind=Contribution.Kind.QUOTE,
        visibility=visibility,
        acting_user=member,
    )


def contribution_part(page: str, contribution) -> str:
    start = page.index(f'id="contribution-{contribution.pk}"')
    return page[start : page.index("</section>", start)]


def test_contributions_page_lists_hers_only(
    member_client, sam, maria, maria_membership, tuesday_group
):
    mine = add(sam, tuesday_group, "Reception should not ask why.")
    add(maria, tuesday_group, "Maria's words")
    page = html(member_client.get(reverse("consent:my_contributions")))
    assert "Reception should not ask why." in page
    assert "Maria&#x27;s words" not in page and "Maria's words" not in page
    part = contribution_part(page, mine)
    assert f'action="{reverse("consent:my_contribution_visibility", args=[mine.pk])}"' in part
    assert f'value="only_me"  id="id_c{mine.pk}_visibility_0" required checked' in part
    assert "Who sees it: Only you." in part
    assert "In reports: not used." in part


def test_contributions_page_when_she_has_none(member_client):
    page = html(member_client.get(reverse("consent:my_contributions")))
    assert "You have not kept anything here yet." in page


def test_adding_one_starts_at_only_me(member_client, sam):
    response = member_client.get(reverse("consent:my_contributions"))
    form = response.context["form"]
    assert form.initial.get("visibility", form.fields["visibility"].initial) == "only_me"
    assert "group" not in form.fields  # one group: nothing to ask
    assert 'name="visibility" value="only_me"  id="id_visibility_0" required checked' in html(
        response
    )


def test_she_adds_one(member_client, sam, tuesday_group):
    response = member_client.post(
        reverse("consent:my_contributions"),
        {"kind": "idea", "text": "  Text reminders the day before.  ", "visibility": "group"},
    )
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("consent:my_contributions") + f"#contribution-{contribution.pk}"
    )
    assert last_message(response) == "Kept. Who may see it: The facilitators and the group."
    assert (
        contribution.member,
        contribution.group,
        contribution.kind,
        contribution.text,
        contribution.visibility,
        contribution.recorded_by,
    ) == (sam, tuesday_group, "idea", "Text reminders the day before.", "group", sam)
    assert AuditEvent.objects.filter(action="contribution.add", subject_user=sam).count() == 1


def test_nothing_written_is_shown_on_the_form(member_client, sam):
    response = member_client.post(
        reverse("consent:my_contributions"), {"kind": "idea", "text": "", "visibility": "only_me"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in html(response)
    assert response.context["form"].errors["text"]
    assert not Contribution.objects.exists()


def test_only_spaces_is_refused_by_the_service_on_the_form(member_client, sam):
    response = member_client.post(
        reverse("consent:my_contributions"),
        {"kind": "idea", "text": "   ", "visibility": "only_me"},
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()
    assert response.context["form"].errors


def test_with_two_groups_she_picks_one(member_client, sam, tuesday_group):
    wednesday = CoproGroupFactory(member_facing_name="Wednesday group")
    MembershipFactory(user=sam, group=wednesday)
    response = member_client.get(reverse("consent:my_contributions"))
    assert response.context["form"].fields["group"].choices == [
        (str(tuesday_group.pk), "Tuesday group"),
        (str(wednesday.pk), "Wednesday group"),
    ]
    response = member_client.post(
        reverse("consent:my_contributions"),
        {"kind": "idea", "text": "Longer slots", "visibility": "only_me", "group": wednesday.pk},
    )
    assert response.status_code == 302
    assert Contribution.objects.get().group == wednesday
    page = html(member_client.get(reverse("consent:my_contributions")))
    assert "Wednesday group" in page


def test_a_group_she_is_not_in_cannot_be_picked(member_client, sam, tuesday_group, thursday_group):
    wednesday = CoproGroupFactory(member_facing_name="Wednesday group")
    MembershipFactory(user=sam, group=wednesday)
    response = member_client.post(
        reverse("consent:my_contributions"),
        {"kind": "idea", "text": "x", "visibility": "only_me", "group": thursday_group.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["group"]
    assert not Contribution.objects.exists()


def test_without_a_group_there_is_nowhere_to_keep_it(client, sam, sam_membership):
    sam_membership.status = Membership.Status.LEFT
    sam_membership.save()
    client.force_login(sam)
    page = html(client.get(reverse("consent:my_contributions")))
    assert "there is nowhere to keep it" in page
    assert "Keep it</button>" not in page
    response = client.post(
        reverse("consent:my_contributions"), {"kind": "idea", "text": "x", "visibility": "only_me"}
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()


def test_she_changes_who_sees_one(member_client, sam, tuesday_group):
    contribution = add(sam, tuesday_group)
    url = reverse("consent:my_contribution_visibility", args=[contribution.pk])
    response = member_client.post(url, {"visibility": "facilitators"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("consent:my_contributions") + f"#contribution-{contribution.pk}"
    )
    assert last_message(response) == "Saved. Who may see it: The facilitators."
    contribution.refresh_from_db()
    assert contribution.visibility == "facilitators"
    assert AuditEvent.objects.filter(action="contribution.visibility").count() == 1
    # The same again changes nothing.
    member_client.post(url, {"visibility": "facilitators"})
    assert AuditEvent.objects.filter(action="contribution.visibility").count() == 1


@pytest.mark.parametrize("data", [{"visibility": "everyone"}, {}])
def test_a_wrong_visibility_changes_nothing(member_client, sam, tuesday_group, data):
    contribution = add(sam, tuesday_group)
    response = member_client.post(
        reverse("consent:my_contribution_visibility", args=[contribution.pk]), data
    )
    assert response.status_code == 302
    assert last_message(response) == "Nothing was changed. Please choose who may see it."
    contribution.refresh_from_db()
    assert contribution.visibility == "only_me"


@pytest.mark.parametrize(
    ("visibility", "said_yes", "seen_by", "reports"),
    [
        ("only_me", ["anonymous_quotes", "named_credit"], "Only you.", "not used."),
        ("facilitators", [], "You and the facilitators.", "not used."),
        (
            "group",
            ["anonymous_quotes"],
            "You, the facilitators and other members of the group.",
            "not used.",
        ),
        (
            "anonymised",
            [],
            "You, the facilitators and other members of the group.",
            "not used (you have not said yes to your words in reports without your name).",
        ),
        ("anonymised", ["anonymous_quotes"], None, "used without your name."),
        ("credited", ["anonymous_quotes", "named_credit"], None, "used with your name."),
        ("credited", ["named_credit"], None, "used with your name."),
        (
            "credited",
            ["anonymous_quotes"],
            None,
            "used without your name (you have not said yes to being thanked by name in reports).",
        ),
        (
            "credited",
            [],
            None,
            "not used (you have not said yes to your words in reports without your name).",
        ),
    ],
)
def test_each_says_what_it_means_now(
    member_client, sam, tuesday_group, purposes, visibility, said_yes, seen_by, reports
):
    contribution = add(sam, tuesday_group, visibility=visibility)
    for slug in said_yes:
        record(sam, purposes, slug, Answer.YES)
    part = contribution_part(
        html(member_client.get(reverse("consent:my_contributions"))), contribution
    )
    if seen_by:
        assert f"Who sees it: {seen_by}" in part
    assert f"In reports: {reports}" in part
    if "you have not said yes" in reports:
        slug = "named_credit" if "thanked" in reports else "anonymous_quotes"
        assert f'href="{set_url(slug)}">Change this answer' in part
    else:
        assert "Change this answer" not in part


def test_saying_no_takes_her_words_out_of_reports_at_once(member_client, sam, tuesday_group):
    contribution = add(sam, tuesday_group, visibility=Visibility.ANONYMISED)
    member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    page = html(member_client.get(reverse("consent:my_contributions")))
    assert "In reports: used without your name." in contribution_part(page, contribution)
    assert [q["text"] for q in policy.output_quotes(tuesday_group)] == [contribution.text]
    member_client.post(set_url("anonymous_quotes"), {"answer": "no"})
    page = html(member_client.get(reverse("consent:my_contributions")))
    assert "In reports: not used" in contribution_part(page, contribution)
    assert policy.output_quotes(tuesday_group) == []


# --- what others can see ----------------------------------------------------------------


def audience_part(page: str, key: str) -> str:
    start = page.index(f'id="audience-{key}"')
    return page[start : page.index("</section>", start)]


def test_a_section_for_each_audience(member_client):
    response = member_client.get(reverse("consent:my_who_sees_what"))
    page = html(response)
    positions = [page.index(f">{label}</h2>") for label in policy.AUDIENCES.values()]
    assert positions == sorted(positions)
    assert [key for key, _, _ in response.context["audiences"]] == list(policy.AUDIENCES)


def test_by_default_others_see_little(member_client, sam, tuesday_group):
    add(sam, tuesday_group, "Only for me")
    page = html(member_client.get(reverse("consent:my_who_sees_what")))
    assert "Only for me" not in page
    assert "<dt>Name</dt>" in audience_part(page, "group")
    assert "Nothing." in audience_part(page, "outputs")
    assert "Counted, not named" in audience_part(page, "partner")


def test_the_page_is_exactly_the_policy(member_client, sam, tuesday_group, purposes):
    add(sam, tuesday_group, "For the facilitators", Visibility.FACILITATORS)
    add(sam, tuesday_group, "For everyone", Visibility.ANONYMISED)
    record(sam, purposes, "anonymous_quotes", Answer.YES)
    record(sam, purposes, "photos", Answer.YES)
    page = html(member_client.get(reverse("consent:my_who_sees_what")))
    for key, items in policy.what_others_see(sam).items():
        part = audience_part(page, key)
        if not items:
            assert "Nothing." in part
        for seen in items:
            assert f"<dt>{seen.label}</dt>" in part.replace("&#x27;", "'")
            assert f"<dd>{seen.value}</dd>" in part
    assert "For the facilitators" in audience_part(page, "facilitators")
    assert "For the facilitators" not in audience_part(page, "group")
    assert "For everyone" in audience_part(page, "outputs")
    assert "Photos with you in them" in audience_part(page, "outputs")


def test_a_change_shows_here_at_once(member_client, sam, tuesday_group, purposes):
    add(sam, tuesday_group, "Reception should not ask why.", Visibility.ANONYMISED)
    member_client.post(set_url("anonymous_quotes"), {"answer": "yes"})
    page = html(member_client.get(reverse("consent:my_who_sees_what")))
    assert "Reception should not ask why." in audience_part(page, "outputs")
    member_client.post(set_url("anonymous_quotes"), {"answer": "no"})
    page = html(member_client.get(reverse("consent:my_who_sees_what")))
    assert "Reception should not ask why." not in audience_part(page, "outputs")
    assert "Reception should not ask why." in audience_part(page, "group")


def test_it_links_to_where_she_changes_things(member_client):
    page = html(member_client.get(reverse("consent:my_who_sees_what")))
    assert f'href="{reverse("consent:my_choices")}"' in page
    assert f'href="{reverse("consent:my_contributions")}"' in page


def test_consent_pages_use_no_revealing_words(fresh_client):
    for name in (
        "consent:my_choices",
        "consent:my_choice_history",
        "consent:my_contributions",
        "consent:my_who_sees_what",
        "consent:my_data",
        "consent:my_data_erase",
    ):
        page = fresh_client.get(reverse(name)).content.decode().lower()
        for word in ("trauma", "charity", "co-production", "health", "diagnos"):
            assert word not in page, (name, word)


def test_a_double_tap_on_keep_keeps_it_once(member_client, sam):
    page = member_client.get(reverse("consent:my_contributions"))
    once = page.context["form"]["once"].value()
    data = {"kind": "idea", "text": "Texts before calls", "visibility": "only_me", "once": once}
    member_client.post(reverse("consent:my_contributions"), data)
    member_client.post(reverse("consent:my_contributions"), data)
    assert sam.contributions.count() == 1
