"""The member portal's pages work for her: each GET shows her things, each POST changes
them through the service and comes back with a message, and each refusal shows on
the form (never an error page)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coproduction.audit.models import AuditEvent
from coproduction.core.dates import day
from coproduction.outbox.channels import Channel
from groups import services
from groups.models import (
    AgreementComment,
    AgreementResponse,
    Membership,
    Profile,
    SafeContactProfile,
    SupportContact,
    SupportPlan,
)
from tests.factories import CoproGroupFactory, MembershipFactory


def html(response) -> str:
    return response.content.decode()


def text_of_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def member_client(client, sam, sam_membership):
    client.force_login(sam)
    return client


@pytest.fixture
def published(tuesday_group, helen_fac, helen):
    version = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen.\n\nWe keep what is said here."
    )
    return services.agreement_publish(version=version, acting_user=helen)


@pytest.fixture
def draft(tuesday_group, helen_fac, helen, published):
    return services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen. We take breaks when needed."
    )


# --- home ----------------------------------------------------------------------------


def test_home_greets_her_by_the_name_she_chose(member_client, sam):
    Profile.objects.create(user=sam, preferred_name="Sammy")
    response = member_client.get(reverse("member_home"))
    assert response.status_code == 200
    assert "<h1" in html(response) and "Hello, Sammy" in html(response)


def test_home_falls_back_to_her_first_name(member_client):
    assert "Hello, Sam" in html(member_client.get(reverse("member_home")))


def home_choices(page: str) -> list[str]:
    """The plain choices under "What would you like to do?", as (label, href)."""
    part = page[page.index("What would you like to do?") : page.index("</main>")]
    return re.findall(
        r'<a class="btn btn-outline-primary btn-lg text-start" href="([^"]+)">([^<]+)</a>', part
    )


def test_home_offers_at_most_six_plain_choices(member_client, tuesday_group):
    page = html(member_client.get(reverse("member_home")))
    assert home_choices(page) == [
        (reverse("sessions_app:my_sessions"), "Your dates"),
        (reverse("consent:my_choices"), "Your choices"),
        (reverse("groups:my_contact"), "How you may contact me"),
        (reverse("groups:my_support_plan"), "My plan"),
        (reverse("groups:my_step_back", args=[tuesday_group.pk]), "Take a break"),
        (reverse("consent:my_more"), "More"),
    ]
    assert "Nothing needs you today." in page
    main = page[page.index("<main") : page.index("</main>")]
    # Besides the six, only "I need support", which every member home carries.
    assert f'href="{reverse("sessions_app:my_support")}">I need support</a>' in main
    assert main.count("<a ") + main.count("<button") <= 6 + 1


def test_more_holds_everything_else(member_client, tuesday_group):
    response = member_client.get(reverse("consent:my_more"))
    assert response.status_code == 200
    page = html(response)
    for url in [
        reverse("groups:my_details"),
        reverse("groups:my_support_contacts"),
        reverse("consent:my_contributions"),
        reverse("consent:my_who_looked"),
        reverse("consent:my_data"),
        reverse("groups:my_agreement", args=[tuesday_group.pk]),
        reverse("groups:my_step_back", args=[tuesday_group.pk]),
        reverse("groups:my_leave", args=[tuesday_group.pk]),
    ]:
        assert f'href="{url}"' in page


def test_with_two_groups_the_break_is_under_more(member_client, sam, tuesday_group):
    other = CoproGroupFactory(member_facing_name="Wednesday group")
    MembershipFactory(user=sam, group=other)
    labels = [label for _, label in home_choices(html(member_client.get(reverse("member_home"))))]
    assert labels == ["Your dates", "Your choices", "How you may contact me", "My plan", "More"]
    page = html(member_client.get(reverse("consent:my_more")))
    assert "Tuesday group" in page and "Wednesday group" in page


def test_home_offers_come_back_when_she_is_on_a_break(member_client, sam_membership, sam):
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    page = html(member_client.get(reverse("member_home")))
    assert "You are taking a break" in page
    assert f'action="{reverse("groups:my_come_back", args=[sam_membership.group_id])}"' in page
    assert "Take a break" not in page


def test_home_says_when_her_break_ends_soon(client, sam_membership, sam):
    with time_machine.travel("2026-11-20 10:00", tick=False):
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2026, 12, 30)
        )
        client.force_login(sam)
        assert "ends on" not in html(client.get(reverse("member_home")))
    with time_machine.travel("2026-12-24 10:00", tick=False):
        client.force_login(sam)
        page = html(client.get(reverse("member_home")))
    assert "Your break ends on 30 December. You come back by yourself." in page
    assert page.index("For you today") < page.index("What would you like to do?")


def test_home_says_first_when_an_agreement_awaits_her(member_client, published):
    page = html(member_client.get(reverse("member_home")))
    notice = page.index("There is a new group agreement")
    assert notice < page.index("What would you like to do?")
    assert "Nothing needs you today." not in page


def test_home_says_when_the_words_of_a_question_changed(member_client, sam):
    from consent import services as consent_services
    from consent.models import ConsentPurpose, ConsentText

    purpose = ConsentPurpose.objects.get(slug="photos")
    consent_services.consent_record(member=sam, purpose=purpose, answer="no", acting_user=sam)
    assert "changed the words" not in html(member_client.get(reverse("member_home")))
    ConsentText.objects.create(purpose=purpose, version=2, question="Photos?", explanation="New.")
    page = html(member_client.get(reverse("member_home")))
    assert "We changed the words of a question you answered." in page
    assert f'href="{reverse("consent:my_choice_set", args=["photos"])}"' in page


def test_no_agreement_notice_once_she_answered(member_client, sam, published):
    services.agreement_respond(version=published, member=sam, agrees=True)
    assert "There is a new group agreement" not in html(member_client.get(reverse("member_home")))


def test_no_agreement_notice_while_she_takes_a_break(member_client, sam, sam_membership, published):
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    assert "There is a new group agreement" not in html(member_client.get(reverse("member_home")))


def test_home_asks_if_her_contact_details_are_still_right(member_client, sam):
    with time_machine.travel("2026-01-05 10:00", tick=False):
        services.safe_contact_update(member=sam, acting_user=sam, channels=[Channel.EMAIL])
    with time_machine.travel("2026-03-01 10:00", tick=False):
        assert "Is this still the right way" not in html(member_client.get(reverse("member_home")))
    with time_machine.travel("2026-04-06 10:00", tick=False):
        member_client.force_login(SafeContactProfile.objects.get().member)
        page = html(member_client.get(reverse("member_home")))
    assert "Is this still the right way to reach you?" in page
    assert reverse("groups:my_contact") in page


def test_home_lists_each_of_her_groups(member_client, sam):
    other = CoproGroupFactory(member_facing_name="Wednesday group")
    MembershipFactory(user=sam, group=other)
    left = CoproGroupFactory(member_facing_name="Old group")
    MembershipFactory(user=sam, group=left, status=Membership.Status.LEFT)
    page = html(member_client.get(reverse("member_home")))
    assert "Tuesday group" in page and "Wednesday group" in page
    assert "Old group" not in page


def test_every_member_page_has_the_nav_and_the_exit(member_client, tuesday_group):
    agreement_url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    for url in (
        reverse("member_home"),
        reverse("groups:my_details"),
        reverse("groups:my_contact"),
        reverse("groups:my_support_contacts"),
        reverse("groups:my_support_plan"),
        reverse("groups:my_support_plan_sharing"),
        reverse("groups:my_support_plan_views"),
        reverse("groups:my_step_back", args=[tuesday_group.pk]),
        reverse("groups:my_leave", args=[tuesday_group.pk]),
        agreement_url,
    ):
        response = member_client.get(url)
        assert response.status_code == 200, url
        page = html(response)
        assert 'aria-label="Main"' in page, url
        assert f'href="{agreement_url}"' in page, url
        assert page.count('href="/exit/"') == 2, url
        assert "no-store" in response["Cache-Control"], url
        assert page.count("<h1") == 1, url
        assert "<table" not in page, url


def test_the_agreement_notice_shows_on_other_pages_too(member_client, published):
    assert "There is a new group agreement" in html(member_client.get(reverse("groups:my_details")))


def test_member_pages_use_no_revealing_words(member_client, tuesday_group, published, draft):
    for url in (
        reverse("member_home"),
        reverse("groups:my_details"),
        reverse("groups:my_contact"),
        reverse("groups:my_support_contacts"),
        reverse("groups:my_support_plan"),
        reverse("groups:my_step_back", args=[tuesday_group.pk]),
        reverse("groups:my_leave", args=[tuesday_group.pk]),
    ):
        page = html(member_client.get(url)).lower()
        for word in ("trauma", "charity", "co-production", "health", "diagnos"):
            assert word not in page, (url, word)


# --- my details --------------------------------------------------------------------


def test_details_form_is_filled_from_her_profile(member_client, sam):
    Profile.objects.create(user=sam, preferred_name="Sammy", pronouns="she/her")
    response = member_client.get(reverse("groups:my_details"))
    assert response.context["form"].initial["preferred_name"] == "Sammy"
    assert "she/her" in html(response)


def test_details_say_why_and_can_be_skipped(member_client):
    page = html(member_client.get(reverse("groups:my_details")))
    assert "So we use the right words for you. You can leave this blank." in page
    assert "So sessions work for you. You can leave this blank." in page
    assert f'href="{reverse("member_home")}"' in page and ">Skip<" in page


def test_details_saved_through_the_service(member_client, sam):
    response = member_client.post(
        reverse("groups:my_details"),
        {
            "preferred_name": "  Sammy  ",
            "pronouns": "she/her",
            "access_needs": ["quiet_room", "breaks"],
            "access_needs_other": "A seat near the door",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert "Your details are saved." in text_of_messages(response)
    profile = Profile.objects.get(user=sam)
    assert profile.preferred_name == "Sammy"
    assert profile.access_needs == ["quiet_room", "breaks"]
    assert profile.access_needs_other == "A seat near the door"
    sam.refresh_from_db()
    assert sam.first_name == "Sammy"
    assert AuditEvent.objects.filter(action="profile.update", subject_user=sam).exists()


def test_details_need_only_a_name(member_client, sam):
    response = member_client.post(reverse("groups:my_details"), {"preferred_name": "Sam"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=sam)
    assert (profile.pronouns, profile.access_needs, profile.access_needs_other) == ("", [], "")


def test_details_refuse_an_empty_name(member_client, sam):
    response = member_client.post(reverse("groups:my_details"), {"preferred_name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["preferred_name"]
    assert "Please check" in html(response)
    assert not Profile.objects.filter(user=sam).exists()


def test_details_refuse_an_unknown_access_need(member_client):
    response = member_client.post(
        reverse("groups:my_details"), {"preferred_name": "Sam", "access_needs": ["nonsense"]}
    )
    assert response.context["form"].errors["access_needs"]


# --- how you may contact me ----------------------------------------------------------


def contact_form(**overrides) -> dict:
    data = {
        "channels": [Channel.SMS],
        "phone": "07700 900123",
        "safe_days": ["1", "2", "3"],
        "safe_from": "10:00",
        "safe_until": "14:00",
        "sender_name": "Jo",
        "reply_word": "1 OK, 2 not great, 3 please call",
        "time_zone": "Europe/London",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_contact_starts_at_the_most_private(member_client):
    response = member_client.get(reverse("groups:my_contact"))
    page = html(response)
    assert "We will not contact you. You get in touch when you want." in page
    form = response.context["form"]
    assert form.initial["channels"] == []
    assert form.initial["voicemail_ok"] is False
    assert form.initial["may_mention_group"] is False
    assert "Messages will not mention the group" in page or "will not mention the group" in page


def test_sam_saves_her_safe_contact(member_client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        response = member_client.post(reverse("groups:my_contact"), contact_form(), follow=True)
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert "Saved. Thank you for checking." in text_of_messages(response)
    profile = SafeContactProfile.objects.get(member=sam)
    assert profile.channels == ["sms"]
    assert profile.phone == "07700 900123"
    assert profile.safe_days == [1, 2, 3]
    assert (profile.safe_from, profile.safe_until) == (dt.time(10), dt.time(14))
    assert profile.sender_name == "Jo"
    assert profile.voicemail_ok is False
    assert profile.may_mention_group is False
    assert profile.confirmed_at.date() == dt.date(2026, 11, 25)


def test_contact_page_says_when_it_was_checked(member_client, sam):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        services.safe_contact_update(member=sam, acting_user=sam, channels=[Channel.EMAIL])
        page = html(member_client.get(reverse("groups:my_contact")))
    assert "Checked on 25 November. We will ask again by 23 February 2027." in page
    assert "We contact you only by: Email." in page


def test_saving_unchanged_confirms_it_again(member_client, sam):
    with time_machine.travel("2026-01-05 10:00", tick=False):
        services.safe_contact_update(member=sam, acting_user=sam)
    with time_machine.travel("2026-04-06 10:00", tick=False):
        member_client.force_login(sam)
        form = member_client.get(reverse("groups:my_contact")).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False, [])}
        data["safe_from"], data["safe_until"] = "10:00", "16:00"
        assert member_client.post(reverse("groups:my_contact"), data).status_code == 302
        assert not SafeContactProfile.objects.get(member=sam).needs_confirming


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": ""}, "phone"),
        ({"channels": [Channel.CALL], "phone": ""}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "123"}, "phone"),
        ({"safe_from": "14:00", "safe_until": "10:00"}, "safe_until"),
        ({"safe_from": "10:00", "safe_until": "10:00"}, "safe_until"),
        ({"safe_days": None}, "safe_days"),
        ({"safe_days": ["9"]}, "safe_days"),
        ({"channels": ["pigeon"]}, "channels"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
    ],
)
def test_contact_refusals_show_on_the_form(member_client, sam, overrides, field):
    response = member_client.post(reverse("groups:my_contact"), contact_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SafeContactProfile.objects.filter(member=sam).exists()


@pytest.mark.parametrize("phone", ["07700 900123", "+44 7700 900123", "07700900123"])
def test_phone_numbers_are_read_leniently(member_client, sam, phone):
    assert (
        member_client.post(reverse("groups:my_contact"), contact_form(phone=phone)).status_code
        == 302
    )
    assert SafeContactProfile.objects.get(member=sam).phone == phone


def test_no_channels_means_she_gets_in_touch(member_client, sam):
    data = contact_form(channels=None, phone="", safe_days=None)
    assert member_client.post(reverse("groups:my_contact"), data).status_code == 302
    assert SafeContactProfile.objects.get(member=sam).i_will_get_in_touch
    page = html(member_client.get(reverse("groups:my_contact")))
    assert "We will not contact you. You get in touch when you want." in page


def test_only_through_her_support_worker_needs_no_days(member_client, sam):
    data = contact_form(channels=[Channel.SUPPORT_WORKER], phone="", safe_days=None)
    assert member_client.post(reverse("groups:my_contact"), data).status_code == 302


# --- people who can support me -------------------------------------------------------


def test_support_contacts_lists_hers_only(member_client, sam, maria, dee):
    SupportContact.objects.create(member=sam, kind="support_worker", staff_user=dee)
    SupportContact.objects.create(member=sam, kind="trusted_person", name="Auntie Rose")
    SupportContact.objects.create(member=maria, kind="trusted_person", name="Maria's friend")
    page = html(member_client.get(reverse("groups:my_support_contacts")))
    assert "Dee Okafor" in page and "Auntie Rose" in page
    assert "Maria&#x27;s friend" not in page and "Maria's friend" not in page
    assert "Contact them if I ask" in page
    assert "Contact them if you are worried about me" in page


def test_contact_if_worried_is_off_until_she_ticks_it(member_client):
    form = member_client.get(reverse("groups:my_support_contacts")).context["form"]
    assert form["contact_if_worried"].value() is False
    assert "we never contact them unless you ask" in form.fields["contact_if_worried"].help_text


def test_she_adds_a_support_contact(member_client, sam):
    response = member_client.post(
        reverse("groups:my_support_contacts"),
        {
            "kind": "trusted_person",
            "name": "Auntie Rose",
            "channel": "sms",
            "contact_detail": "07700 900456",
            "contact_if_i_ask": "on",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("groups:my_support_contacts"), 302)]
    assert "Auntie Rose is added." in text_of_messages(response)
    contact = SupportContact.objects.get(member=sam)
    assert contact.contact_detail == "07700 900456"
    assert contact.contact_if_i_ask and not contact.contact_if_worried
    assert AuditEvent.objects.filter(action="support_contact.add", subject_user=sam).exists()


def test_a_helpline_needs_no_name_or_detail(member_client, sam):
    response = member_client.post(reverse("groups:my_support_contacts"), {"kind": "helpline"})
    assert response.status_code == 302
    assert SupportContact.objects.get(member=sam).display_name == "A helpline"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "trusted_person", "channel": "sms"}, "contact_detail"),
        ({"kind": "trusted_person", "contact_detail": "07700 900456"}, "channel"),
        (
            {"kind": "trusted_person", "channel": "email", "contact_detail": "rose"},
            "contact_detail",
        ),
        ({"kind": "trusted_person", "channel": "call", "contact_detail": "rose"}, "contact_detail"),
        ({"kind": "trusted_person", "channel": "support_worker", "contact_detail": "x"}, "channel"),
        ({"kind": "ex_partner"}, "kind"),
    ],
)
def test_support_contact_refusals_show_on_the_form(member_client, sam, data, field):
    response = member_client.post(reverse("groups:my_support_contacts"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SupportContact.objects.filter(member=sam).exists()


def test_she_removes_a_support_contact(member_client, sam):
    contact = SupportContact.objects.create(member=sam, kind="trusted_person", name="Auntie Rose")
    url = reverse("groups:my_support_contact_remove", args=[contact.pk])
    response = member_client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("groups:my_support_contacts"), 302)]
    assert "Auntie Rose is removed. We will not contact them for you." in text_of_messages(response)
    assert not SupportContact.objects.filter(pk=contact.pk).exists()
    assert member_client.post(url).status_code == 404  # gone is gone


# --- my support plan -------------------------------------------------------------------


def test_support_plan_starts_empty_and_private(member_client):
    response = member_client.get(reverse("groups:my_support_plan"))
    page = html(response)
    for question in (
        "What helps me",
        "Signs I&#x27;d like others to notice",
        "Please do",
        "Please don&#x27;t",
    ):
        assert question in page
    assert "Only you can see it." in page
    assert reverse("groups:my_support_plan_sharing") in page
    assert reverse("groups:my_support_plan_views") in page


def test_she_writes_her_plan(member_client, sam):
    response = member_client.post(
        reverse("groups:my_support_plan"),
        {"what_helps": "A walk and a cup of tea", "please_do_not": "Touch my shoulder"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("groups:my_support_plan"), 302)]
    assert "Your plan is saved." in text_of_messages(response)
    plan = SupportPlan.objects.get(member=sam)
    assert plan.what_helps == "A walk and a cup of tea"
    assert plan.please_do_not == "Touch my shoulder"
    assert plan.signs_to_notice == ""
    assert "A walk and a cup of tea" in html(response)
    assert not plan.readers.exists()


def test_plan_page_names_who_can_see_it(member_client, sam, dee, helen_fac, helen):
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee, helen])
    page = html(member_client.get(reverse("groups:my_support_plan")))
    assert "You and these people can see it:" in page
    assert "Dee Okafor" in page and "Helen Ward" in page


def test_plan_text_is_too_long(member_client, sam):
    response = member_client.post(reverse("groups:my_support_plan"), {"what_helps": "x" * 2001})
    assert response.context["form"].errors["what_helps"]


def test_sharing_offers_only_staff_of_her_groups_and_none_ticked(
    member_client, helen_fac, helen, dee, tom
):
    response = member_client.get(reverse("groups:my_support_plan_sharing"))
    form = response.context["form"]
    assert set(form.fields["readers"].queryset) == {helen, dee}
    assert form["readers"].value() == []
    page = html(response)
    assert "Now only you can see it." in page
    assert "Tom Reid" not in page


def test_she_chooses_who_sees_her_plan_and_changes_her_mind(
    member_client, sam, dee, helen_fac, helen
):
    url = reverse("groups:my_support_plan_sharing")
    response = member_client.post(url, {"readers": [dee.pk]}, follow=True)
    assert response.redirect_chain == [(reverse("groups:my_support_plan"), 302)]
    assert "Saved. You and Dee Okafor can see your plan." in text_of_messages(response)
    assert list(SupportPlan.objects.get(member=sam).readers.all()) == [dee]
    assert member_client.get(url).context["form"]["readers"].value() == [dee.pk]

    response = member_client.post(url, {}, follow=True)
    assert "Saved. Only you can see your plan." in text_of_messages(response)
    assert not SupportPlan.objects.get(member=sam).readers.exists()


def test_she_cannot_share_with_a_stranger(member_client, sam, dee, tom):
    response = member_client.post(reverse("groups:my_support_plan_sharing"), {"readers": [tom.pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["readers"]
    assert not SupportPlan.objects.filter(member=sam, readers=tom).exists()


def test_sharing_with_nobody_to_pick(client, maria):
    client.force_login(maria)
    page = html(client.get(reverse("groups:my_support_plan_sharing")))
    assert "There is nobody to pick yet." in page


def test_who_looked_at_her_plan(member_client, sam, dee, helen_fac, helen):
    services.support_plan_save(member=sam, acting_user=sam, what_helps="Tea")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    plan = SupportPlan.objects.get(member=sam)
    with time_machine.travel(dt.datetime(2026, 3, 3, 14, 5, tzinfo=dt.UTC), tick=False):
        services.support_plan_read(plan=plan, viewer=dee)
    services.support_plan_read(plan=plan, viewer=sam)  # her own reads are not listed
    page = html(member_client.get(reverse("groups:my_support_plan_views")))
    assert f"Dee Okafor looked at your plan on {day(dt.date(2026, 3, 3))} at 14:05" in page
    assert page.count("looked at your plan") == 1


def test_nobody_looked_yet(member_client):
    assert "Nobody else has looked at your plan." in html(
        member_client.get(reverse("groups:my_support_plan_views"))
    )


def test_who_looked_lists_only_her_plan(member_client, maria, dee, maria_membership):
    services.support_plan_share(member=maria, acting_user=maria, readers=[dee])
    plan = SupportPlan.objects.get(member=maria)
    services.support_plan_read(plan=plan, viewer=dee)
    page = html(member_client.get(reverse("groups:my_support_plan_views")))
    assert "Nobody else has looked at your plan." in page
    assert "Dee Okafor looked" not in page


# --- take a break, come back, leave ------------------------------------------------------


def test_step_back_page_is_plain(member_client, tuesday_group):
    page = html(member_client.get(reverse("groups:my_step_back", args=[tuesday_group.pk])))
    assert "Take a break from the group" in page
    assert "Nothing is lost. Come back whenever you want." in page
    assert "Still tell me if a session changes" in page


def test_she_takes_a_break_in_one_tap(member_client, sam_membership):
    url = reverse("groups:my_step_back", args=[sam_membership.group_id])
    response = member_client.post(url, {}, follow=True)
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert any(
        "Nothing is lost. Come back whenever you want." in m for m in text_of_messages(response)
    )
    sam_membership.refresh_from_db()
    assert sam_membership.is_stepped_back
    assert sam_membership.stepped_back_until is None
    assert sam_membership.keep_session_changes_while_away is False


def test_she_takes_a_break_until_a_date(member_client, sam_membership):
    url = reverse("groups:my_step_back", args=[sam_membership.group_id])
    with time_machine.travel("2026-11-20 10:00", tick=False):
        response = member_client.post(
            url, {"until": "2026-12-01", "keep_session_changes": "on"}, follow=True
        )
    assert any("You will be back on 1 December." in m for m in text_of_messages(response))
    sam_membership.refresh_from_db()
    assert sam_membership.stepped_back_until == dt.date(2026, 12, 1)
    assert sam_membership.keep_session_changes_while_away is True


@pytest.mark.parametrize("until", ["2026-11-20", "2026-11-01", "not a date"])
def test_a_break_date_must_be_after_today(member_client, sam_membership, until):
    url = reverse("groups:my_step_back", args=[sam_membership.group_id])
    with time_machine.travel("2026-11-20 10:00", tick=False):
        response = member_client.post(url, {"until": until})
    assert response.status_code == 200
    assert response.context["form"].errors["until"]
    sam_membership.refresh_from_db()
    assert sam_membership.is_active


def test_she_comes_back_in_one_tap(member_client, sam_membership, sam):
    services.membership_step_back(membership=sam_membership, acting_user=sam)
    url = reverse("groups:my_come_back", args=[sam_membership.group_id])
    response = member_client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert "Welcome back to the Tuesday group. Nothing was lost." in text_of_messages(response)
    sam_membership.refresh_from_db()
    assert sam_membership.is_active
    assert member_client.post(url).status_code == 302  # twice is once
    assert AuditEvent.objects.filter(action="membership.come_back").count() == 1


def test_step_back_page_offers_come_back_while_away(member_client, sam_membership, sam):
    services.membership_step_back(
        membership=sam_membership,
        acting_user=sam,
        until=timezone.localdate() + dt.timedelta(days=9),
    )
    page = html(member_client.get(reverse("groups:my_step_back", args=[sam_membership.group_id])))
    assert "You are taking a break from the Tuesday group until" in page
    assert reverse("groups:my_come_back", args=[sam_membership.group_id]) in page


def test_leave_page_explains_and_keeps_by_default(member_client, sam_membership):
    response = member_client.get(reverse("groups:my_leave", args=[sam_membership.group_id]))
    assert response.context["form"]["choice"].value() == Membership.LeaveChoice.KEEP
    page = html(response)
    assert "Take a break" in page


def test_leaving_needs_a_tick(member_client, sam_membership):
    url = reverse("groups:my_leave", args=[sam_membership.group_id])
    response = member_client.post(url, {"choice": "keep"})
    assert response.context["form"].errors["confirm"]
    sam_membership.refresh_from_db()
    assert sam_membership.is_active


@pytest.mark.parametrize(
    ("choice", "said"), [("keep", "Your information is kept."), ("erase", "We will erase")]
)
def test_she_leaves_keeping_or_erasing(member_client, sam_membership, choice, said):
    url = reverse("groups:my_leave", args=[sam_membership.group_id])
    response = member_client.post(url, {"choice": choice, "confirm": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("member_home"), 302)]
    assert any(said in m for m in text_of_messages(response))
    sam_membership.refresh_from_db()
    assert sam_membership.status == Membership.Status.LEFT
    assert sam_membership.leave_choice == choice
    assert not response.context["member_memberships"]


# --- our agreement -------------------------------------------------------------------


def test_agreement_page_shows_the_current_text(member_client, tuesday_group, published):
    page = html(member_client.get(reverse("groups:my_agreement", args=[tuesday_group.pk])))
    assert "We keep what is said here." in page
    assert "You have not answered yet." in page
    assert "The group is working on a new version" not in page


def test_agreement_page_without_an_agreement(member_client, tuesday_group):
    page = html(member_client.get(reverse("groups:my_agreement", args=[tuesday_group.pk])))
    assert "The group has not agreed its agreement yet." in page


def test_answering_without_an_agreement_is_a_form_error(member_client, tuesday_group):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    response = member_client.post(url, {"answer": "agree"})
    assert response.status_code == 200
    assert "There is no agreement to answer yet." in html(response)


def test_she_agrees(member_client, sam, tuesday_group, published):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    response = member_client.post(url, {"answer": "agree"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Thank you. Your answer is saved." in text_of_messages(response)
    assert AgreementResponse.objects.get(member=sam, version=published).agrees
    assert "You said you agree" in html(response)


def test_disagreeing_needs_words_shown_on_the_form(member_client, sam, tuesday_group, published):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    response = member_client.post(url, {"answer": "disagree", "disagreement": "  "})
    assert response.status_code == 200
    assert response.context["response_form"].errors["disagreement"] == [
        "Tell us what you disagree with, so the group can talk about it."
    ]
    assert not AgreementResponse.objects.exists()


def test_she_says_what_she_would_change_and_can_change_her_answer(
    member_client, sam, tuesday_group, published
):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    response = member_client.post(
        url, {"answer": "disagree", "disagreement": "Phones off, not just on silent"}, follow=True
    )
    assert "Thank you. The group will talk about what you would change." in text_of_messages(
        response
    )
    answer = AgreementResponse.objects.get(member=sam)
    assert (answer.agrees, answer.disagreement) == (False, "Phones off, not just on silent")
    member_client.post(url, {"answer": "agree"})
    assert AgreementResponse.objects.get(member=sam).agrees
    assert AgreementResponse.objects.count() == 1


def test_agreement_answer_must_be_chosen(member_client, tuesday_group, published):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    assert member_client.post(url, {}).context["response_form"].errors["answer"]


def test_draft_is_shown_for_comment(member_client, tuesday_group, draft):
    page = html(member_client.get(reverse("groups:my_agreement", args=[tuesday_group.pk])))
    assert "The group is working on a new version" in page
    assert "We take breaks when needed." in page
    assert reverse("groups:my_agreement_comment", args=[tuesday_group.pk]) in page


def test_she_comments_on_a_draft(member_client, sam, tuesday_group, draft):
    url = reverse("groups:my_agreement_comment", args=[tuesday_group.pk])
    response = member_client.post(
        url,
        {"version": draft.pk, "kind": "proposal", "text": "Add: we can leave the room"},
        follow=True,
    )
    agreement_url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    assert response.redirect_chain == [(agreement_url, 302)]
    assert "Thank you. The group will read what you wrote." in text_of_messages(response)
    comment = AgreementComment.objects.get(author=sam)
    assert (comment.version, comment.kind, comment.text) == (
        draft,
        "proposal",
        "Add: we can leave the room",
    )
    assert "Add: we can leave the room" in html(response)


def test_an_empty_comment_is_a_form_error(member_client, sam, tuesday_group, draft):
    url = reverse("groups:my_agreement_comment", args=[tuesday_group.pk])
    response = member_client.post(url, {"version": draft.pk, "kind": "comment", "text": "   "})
    assert response.status_code == 200
    assert "Please check" in html(response)
    assert not AgreementComment.objects.exists()


def test_a_comment_on_another_groups_draft_is_404(
    member_client, tuesday_group, thursday_group, tom, draft
):
    theirs = services.agreement_draft_save(group=thursday_group, acting_user=tom, text="Theirs")
    url = reverse("groups:my_agreement_comment", args=[tuesday_group.pk])
    response = member_client.post(url, {"version": theirs.pk, "kind": "comment", "text": "Hi"})
    assert response.status_code == 404
    assert not AgreementComment.objects.exists()


def test_a_comment_on_an_old_version_is_404(member_client, tuesday_group, helen, published, draft):
    services.agreement_publish(version=draft, acting_user=helen)  # `published` is now old
    url = reverse("groups:my_agreement_comment", args=[tuesday_group.pk])
    response = member_client.post(url, {"version": published.pk, "kind": "comment", "text": "Hi"})
    assert response.status_code == 404


def test_a_comment_on_the_current_version_is_allowed(member_client, tuesday_group, published):
    url = reverse("groups:my_agreement_comment", args=[tuesday_group.pk])
    response = member_client.post(url, {"version": published.pk, "kind": "comment", "text": "Good"})
    assert response.status_code == 302


def test_nav_marks_the_agreement_page_current(member_client, tuesday_group):
    url = reverse("groups:my_agreement", args=[tuesday_group.pk])
    assert f'href="{url}" aria-current="page"' in html(member_client.get(url))


@pytest.mark.parametrize("until", ["2027-11-21", "2030-01-01"])
def test_a_break_cannot_run_past_a_year(member_client, sam_membership, until):
    url = reverse("groups:my_step_back", args=[sam_membership.group_id])
    with time_machine.travel("2026-11-20 10:00", tick=False):
        response = member_client.post(url, {"until": until})
    assert response.status_code == 200
    assert response.context["form"].errors["until"] == ["Pick a date within a year from today."]
    sam_membership.refresh_from_db()
    assert sam_membership.is_active


def test_a_break_may_run_to_a_year_from_today(member_client, sam_membership):
    url = reverse("groups:my_step_back", args=[sam_membership.group_id])
    with time_machine.travel("2026-11-20 10:00", tick=False):
        page = html(member_client.get(url))
        response = member_client.post(url, {"until": "2027-11-20"}, follow=True)
    assert 'max="2027-11-20"' in page and 'min="2026-11-21"' in page
    # Not this year, so the message says which year.
    assert any("You will be back on 20 November 2027." in m for m in text_of_messages(response))
    sam_membership.refresh_from_db()
    assert sam_membership.stepped_back_until == dt.date(2027, 11, 20)


def test_the_home_page_says_the_year_of_a_break_ending_next_year(client, sam_membership, sam):
    with time_machine.travel("2026-12-20 10:00", tick=False):
        services.membership_step_back(
            membership=sam_membership, acting_user=sam, until=dt.date(2027, 1, 4)
        )
        client.force_login(sam)
        page = html(client.get(reverse("member_home")))
    assert "4 January 2027" in page
