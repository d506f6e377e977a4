"""Who may open what: every URL of every app against every role, in one table.

The expected answers are the access rules (STYLE.md, Access; PEOPLE.md), not what the
code happens to do: nobody signed in is sent to sign in (the join and new-password links
and the public pages excepted); members get 403 on staff pages and staff get 403 on the
member portal; "my/" pages are hers alone, so another member gets her own page, or 404
for a group she is not in or a thing that is not hers; outside a group a member of
staff gets 404, inside it a role too low gets 403; partner admins have no membership and
use the admin site, scoped to their own organisations. Where the rules do not decide,
the row pins what the app does today and says so.

`test_the_table_covers_every_url_and_every_role` walks the whole URL conf: a named URL
without a row fails there (allauth's own pages and the admin's machinery excepted, each
with its reason), as does one whose refused method has no row.

One test per row; its failure lists every role that got the wrong answer. The world is
built once for the module, each person signed in once; each role of each row runs in a
savepoint rolled back after it, so a POST that does its work leaves nothing for the next.
About 150 tests (1,300 requests): two to three minutes on PostgreSQL on a busy two-core
machine.

The world:

- Tuesday group (Riverside Women's Centre, partner admin Ruth): Helen facilitates; Dee
  is a support worker and supports Sam; Grace is a support worker who does not support
  Sam; Sam and Maria are members; Jade has stepped back; Kerry has left. Sam shared her
  support plan with Dee only, has a support contact of her own, an idea in the group's
  contributions, a data download ready and a request to erase her data waiting; she said
  yes to sharing her contact details with the charity. Agreement v1 is published, v2 is
  a draft Sam proposed a change to. A join link and a link for Sam's new password are open.
- Thursday group (Northgate University, partner admin Neil): Tom facilitates; Aisha is
  a member.
- The operator: a superuser with no group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consent import services as consent_services
from consent.models import ConsentPurpose, DataExport
from coproduction import crypto
from coproduction.accounts import services as account_services
from coproduction.audit.models import AuditEvent
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups import services
from groups.models import AgreementComment, Membership, SupportContact, Training
from sessions_app import services as support_services
from sessions_app.models import (
    AgendaItem,
    Attendance,
    CheckIn,
    CheckInPlan,
    GroupSession,
    ServiceChange,
    SessionNote,
)
from sessions_app.services.calendar import feed_create
from tests.conftest import ensure_purposes
from tests.factories import (
    PASSWORD,
    CoproGroupFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

GET, POST, PUT = "get", "post", "put"

ANON = "anonymous"
MEMBERS = ("sam", "maria", "jade", "kerry", "aisha")
STAFF = ("helen", "tom", "dee", "grace", "ruth", "neil", "operator")
ROLES = (ANON, *MEMBERS, *STAFF)


@dataclass(frozen=True)
class To:
    """A 302 to `path` (the Location up to its query string)."""

    path: str

    def __str__(self) -> str:
        return f"302 to {self.path}"


# Sent to sign in. The admin sends her to its own login first, which Hearth forwards
# to the one sign-in page (coproduction/urls.py): `check` follows that single hop.
LOGIN = To("/accounts/login/")
# The admin's answer to someone signed in without `is_staff`: its login page, which
# then refuses her with 403 (allauth's secure_admin_login). Pinned.
ADMIN_LOGIN = To("/admin/login/")
# The admin's answer to an object outside her scope: "does not exist", back to the
# admin index. Pinned.
ADMIN_INDEX = To("/admin/")
# The neutral site the Exit button leaves for.
EXIT = To(settings.HEARTH_EXIT_URL.split("?", 1)[0])
# A POST that did its work (or politely refused it) and redirects to a page of the app.
DONE = 302

Expected = int | To


def check(client, response, expected: Expected) -> str | None:
    """What is wrong with `response`, or None if it is as expected."""
    location = response.get("Location", "")
    got = f"{response.status_code} {location}".strip()
    path = location.split("?", 1)[0]
    if isinstance(expected, To):
        if response.status_code != 302:
            return f"expected {expected}, got {got}"
        if expected is LOGIN and path == ADMIN_LOGIN.path:
            # Anonymous on the admin: one more hop must land on the sign-in page.
            hop = client.get(location)
            hop_location = hop.get("Location", "")
            if hop.status_code == 302 and hop_location.startswith(LOGIN.path):
                return None
            return f"expected {expected}, got {got} then {hop.status_code} {hop_location}"
        if path != expected.path:
            return f"expected {expected}, got {got}"
        return None
    if response.status_code != expected:
        return f"expected {expected}, got {got}"
    if expected == 302 and path in (LOGIN.path, ADMIN_LOGIN.path):
        return f"expected a redirect into the app, got {got}"
    return None


# --- who gets what, by the kind of page --------------------------------------------------

# A page anyone may open, signed in or not.
PUBLIC = dict.fromkeys(ROLES, 200)

# A "my/" page with nothing in the URL: each member gets her own, whatever her
# membership's status (a member who stepped back or left still has her own account);
# staff get 403.
MEMBER_PAGE = {ANON: LOGIN} | dict.fromkeys(MEMBERS, 200) | dict.fromkeys(STAFF, 403)
# Posting to one: done, then redirected back into the portal. (A POST with nothing in
# it, where the page needs an answer, shows the form again: 200 for whoever may post.)
MEMBER_POST = MEMBER_PAGE | dict.fromkeys(MEMBERS, DONE)
# A "my/groups/<Tuesday>/" page: Aisha is not in the Tuesday group; Kerry has left it.
MEMBER_TUESDAY_PAGE = MEMBER_PAGE | {"aisha": 404, "kerry": 404}
MEMBER_TUESDAY_POST = MEMBER_TUESDAY_PAGE | {"sam": DONE, "maria": DONE, "jade": DONE}
# Sam's own thing (a support contact, a contribution, a download, an erasure request):
# only Sam; for any other member it does not exist.
SAMS_THING = MEMBER_PAGE | dict.fromkeys(MEMBERS, 404) | {"sam": 200}
SAMS_THING_POST = SAMS_THING | {"sam": DONE}

# A staff page of the Tuesday group: its staff get it; members 403; staff of another
# group, the partner admins and the operator (who have no membership) 404.
STAFF_TUESDAY_PAGE = (
    {ANON: LOGIN}
    | dict.fromkeys(MEMBERS, 403)
    | dict.fromkeys(STAFF, 404)
    | {"helen": 200, "dee": 200, "grace": 200}
)
# Facilitator-only: a support worker's role is too low.
FACILITATOR_PAGE = STAFF_TUESDAY_PAGE | {"dee": 403, "grace": 403}
FACILITATOR_POST = FACILITATOR_PAGE | {"helen": DONE}
# Sam's own record: Dee supports her; Grace is in the group but does not support her.
SAM_DETAIL = STAFF_TUESDAY_PAGE | {"grace": 403}
# Sam's plan: shared with Dee only, so Helen's role does not open it either.
SAM_PLAN = SAM_DETAIL | {"helen": 403}

# A staff page about herself, in no group: every member of staff gets her own.
# Pinned: the rules do not say what a partner admin or the operator (staff, no group)
# gets here.
STAFF_OWN_PAGE = {ANON: LOGIN} | dict.fromkeys(MEMBERS, 403) | dict.fromkeys(STAFF, 200)

# The admin site: only partner admins and the operator (is_staff) get in, each partner
# admin scoped to her own organisations; everyone else signed in is sent to the admin's
# login (pinned).
ADMIN_PAGE = (
    {ANON: LOGIN}
    | dict.fromkeys(MEMBERS + STAFF, ADMIN_LOGIN)
    | {"ruth": 200, "neil": 200, "operator": 200}
)
# A Tuesday-group object: Ruth's, not Neil's (pinned: the admin's "does not exist").
ADMIN_TUESDAY_OBJECT = ADMIN_PAGE | {"neil": ADMIN_INDEX}
# The operator's alone (the ledger, accounts, the audit trail, schedules): a partner
# admin has no permission on it.
ADMIN_OPERATOR_PAGE = ADMIN_PAGE | {"ruth": 403, "neil": 403}


# --- what a URL points at ----------------------------------------------------------------


def of(*names: str) -> Callable[[SimpleNamespace], list]:
    """A URL's arguments: the ids of the world's objects called `names` (or the values
    themselves, for a token), in order."""

    def args(w: SimpleNamespace) -> list:
        return [getattr(getattr(w, name), "pk", getattr(w, name)) for name in names]

    return args


def literally(*values) -> Callable[[SimpleNamespace], list]:
    """A URL's arguments that are the same in every world."""
    return lambda w: list(values)


no_args = of()
tuesday = of("tuesday")
sams_contact = of("sams_contact")
sam_in_tuesday = of("tuesday", "sam_membership")
draft_v2 = of("tuesday", "v2")
sams_proposal = of("tuesday", "proposal")
join_token = of("join_token")
password_token = of("password_token")
helens_training = of("helens_training")
riverside = of("riverside")
sams_profile = of("sams_profile")
sam = of("sam")
photos = literally("photos")
sams_contribution = of("sams_contribution")
sams_export = of("sams_export")
sams_erasure = of("sams_erasure")
erasure_in_tuesday = of("tuesday", "sams_erasure")
sams_answer = of("sams_answer")
an_audit_row = of("an_audit_row")
a_message = of("a_message")
sams_checkin = of("sams_checkin")
sams_request = of("tuesday", "sams_request")
sams_request_alone = of("sams_request")
a_message_in_tuesday = of("tuesday", "a_message")
sams_pass_on = of("tuesday", "sams_pass_on")
how_often = literally("how-often")
a_session = of("a_session")
a_session_and_part = of("a_session", "a_part")
tuesday_session = of("tuesday", "a_session")
tuesday_part = of("tuesday", "a_session", "a_part")
an_attendance = of("an_attendance")
a_shared_note = of("a_shared_note")
a_note_to_check = of("a_note_to_check")
tuesday_shared_note = of("tuesday", "a_shared_note")
tuesday_note_to_check = of("tuesday", "a_note_to_check")
tuesday_change = of("tuesday", "a_change")
a_change = of("a_change")
a_purpose = of("photos")
the_groups_app = literally("groups")


def sams_calendar(w) -> list:
    """Sam's calendar address, made afresh in each role's savepoint: Hearth keeps only
    its hash, so the world cannot hold the secret itself."""
    return [feed_create(person=w.sam)]


# --- what a POST sends -------------------------------------------------------------------


def a_comment_on_v2(w) -> dict:
    return {"version": w.v2.pk, "kind": AgreementComment.Kind.COMMENT, "text": "Tea breaks?"}


def not_this_time(w) -> dict:
    return {"answer": AgreementComment.Answer.NOT_NOW, "reason": "We will talk about it first."}


def a_new_password(w) -> dict:
    return {"password1": "a long new password 2026", "password2": "a long new password 2026"}


def yes(w) -> dict:
    return {"answer": "yes"}


def not_now(w) -> dict:
    return {"rhythm": "never"}


def ok(w) -> dict:
    return {"answer": "ok"}


def called_her(w) -> dict:
    return {"what_was_done": "Called her at 11:00."}


def cancel_it(w) -> dict:
    return {"action": "cancel"}


def cant_come(w) -> dict:
    return {"plan": "cant_come"}


def step_out(w) -> dict:
    return {"out": "1"}


def seen_by_the_group(w) -> dict:
    return {"visibility": "group"}


@dataclass(frozen=True)
class Row:
    name: str
    args: Callable[[SimpleNamespace], list]
    method: str
    expect: dict[str, Expected]
    data: Callable[[SimpleNamespace], dict] | None = None
    # A wrong-method row ("GET", "POST", "PUT"): one role, expected 405.
    label: str = ""
    # Members signed in through the sign-in form just now (download and erase ask for
    # that); staff keep their ordinary session, so their 403 shows they are refused
    # before the freshness check could sign them out.
    fresh: bool = False


def wrong(name: str, args, method: str, role: str) -> Row:
    """`method` is not one this URL answers: 405, even for the person it is for."""
    return Row(name, args, method, {role: 405}, label=method.upper())


TABLE = [
    # coproduction/urls.py: the front door, the two homes, exit, health.
    # Pinned: home sends each person on to her own home.
    Row(
        "home",
        no_args,
        GET,
        {ANON: LOGIN} | dict.fromkeys(MEMBERS, To("/my/")) | dict.fromkeys(STAFF, To("/staff/")),
    ),
    wrong("home", no_args, POST, "sam"),
    Row("member_home", no_args, GET, MEMBER_PAGE),
    wrong("member_home", no_args, POST, "sam"),
    Row("staff_home", no_args, GET, STAFF_OWN_PAGE),
    wrong("staff_home", no_args, POST, "helen"),
    # Exit works for anyone, signed in or not: it ends the session and leaves.
    Row("exit", no_args, GET, dict.fromkeys(ROLES, EXIT)),
    wrong("exit", no_args, POST, "sam"),
    Row("exit_explained", no_args, GET, PUBLIC),
    wrong("exit_explained", no_args, POST, "sam"),
    Row("healthz", no_args, GET, PUBLIC),
    wrong("healthz", no_args, POST, ANON),
    # The accounts app: the link staff make for her new password. The token is the
    # credential, so whoever holds it gets the page (pinned for those signed in), and
    # using it signs her in as herself.
    Row("accounts:new_password", password_token, GET, PUBLIC),
    Row("accounts:new_password", password_token, POST, dict.fromkeys(ROLES, DONE), a_new_password),
    wrong("accounts:new_password", password_token, PUT, ANON),
    # Joining. Pinned for those already signed in: a page saying the link is for
    # someone joining for the first time.
    Row("groups:join", join_token, GET, PUBLIC),
    Row("groups:join", join_token, POST, PUBLIC),
    wrong("groups:join", join_token, PUT, ANON),
    # The groups member portal: her own things.
    Row("groups:my_details", no_args, GET, MEMBER_PAGE),
    Row("groups:my_details", no_args, POST, MEMBER_PAGE),
    wrong("groups:my_details", no_args, PUT, "sam"),
    Row("groups:my_contact", no_args, GET, MEMBER_PAGE),
    Row("groups:my_contact", no_args, POST, MEMBER_PAGE),
    wrong("groups:my_contact", no_args, PUT, "sam"),
    Row("groups:my_support_contacts", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_contacts", no_args, POST, MEMBER_PAGE),
    wrong("groups:my_support_contacts", no_args, PUT, "sam"),
    Row("groups:my_support_contact_remove", sams_contact, POST, SAMS_THING_POST),
    wrong("groups:my_support_contact_remove", sams_contact, GET, "sam"),
    Row("groups:my_support_plan", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_plan", no_args, POST, MEMBER_POST),
    wrong("groups:my_support_plan", no_args, PUT, "sam"),
    Row("groups:my_support_plan_sharing", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_plan_sharing", no_args, POST, MEMBER_POST),
    wrong("groups:my_support_plan_sharing", no_args, PUT, "sam"),
    Row("groups:my_support_plan_views", no_args, GET, MEMBER_PAGE),
    wrong("groups:my_support_plan_views", no_args, POST, "sam"),
    Row("groups:my_step_back", tuesday, GET, MEMBER_TUESDAY_PAGE),
    Row("groups:my_step_back", tuesday, POST, MEMBER_TUESDAY_POST),
    wrong("groups:my_step_back", tuesday, PUT, "sam"),
    # Sam is not stepped back: coming back is refused with a message and the same redirect.
    Row("groups:my_come_back", tuesday, POST, MEMBER_TUESDAY_POST),
    wrong("groups:my_come_back", tuesday, GET, "sam"),
    # The leave page is the one group page a member who has left still gets.
    Row("groups:my_leave", tuesday, GET, MEMBER_TUESDAY_PAGE | {"kerry": 200}),
    Row("groups:my_leave", tuesday, POST, MEMBER_TUESDAY_PAGE | {"kerry": 200}),
    wrong("groups:my_leave", tuesday, PUT, "sam"),
    Row("groups:my_agreement", tuesday, GET, MEMBER_TUESDAY_PAGE),
    Row("groups:my_agreement", tuesday, POST, MEMBER_TUESDAY_PAGE),
    wrong("groups:my_agreement", tuesday, PUT, "sam"),
    Row("groups:my_agreement_comment", tuesday, POST, MEMBER_TUESDAY_POST, a_comment_on_v2),
    wrong("groups:my_agreement_comment", tuesday, GET, "sam"),
    # The groups staff pages. A POST with nothing in it shows the form again (200).
    Row("groups:roster", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("groups:roster", tuesday, POST, "helen"),
    Row("groups:invite", tuesday, GET, FACILITATOR_PAGE),
    # Renders the link once (200); never redirected.
    Row("groups:invite", tuesday, POST, FACILITATOR_PAGE),
    wrong("groups:invite", tuesday, PUT, "helen"),
    Row("groups:member_detail", sam_in_tuesday, GET, SAM_DETAIL),
    wrong("groups:member_detail", sam_in_tuesday, POST, "helen"),
    Row("groups:member_support_plan", sam_in_tuesday, GET, SAM_PLAN),
    wrong("groups:member_support_plan", sam_in_tuesday, POST, "dee"),
    # Renders the link once (200), like the invitation link; never redirected.
    Row("groups:member_password_link", sam_in_tuesday, POST, SAM_DETAIL),
    wrong("groups:member_password_link", sam_in_tuesday, GET, "helen"),
    # Not facilitator-only in the rules: support workers of the group see it.
    Row("groups:group_training", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("groups:group_training", tuesday, POST, "helen"),
    Row("groups:my_training", no_args, GET, STAFF_OWN_PAGE),
    Row("groups:my_training", no_args, POST, STAFF_OWN_PAGE),
    wrong("groups:my_training", no_args, PUT, "helen"),
    Row("groups:agreement_drafts", tuesday, GET, FACILITATOR_PAGE),
    Row("groups:agreement_drafts", tuesday, POST, FACILITATOR_PAGE),
    wrong("groups:agreement_drafts", tuesday, PUT, "helen"),
    Row("groups:agreement_edit", draft_v2, GET, FACILITATOR_PAGE),
    Row("groups:agreement_edit", draft_v2, POST, FACILITATOR_PAGE),
    wrong("groups:agreement_edit", draft_v2, PUT, "helen"),
    Row("groups:agreement_publish", draft_v2, GET, FACILITATOR_PAGE),
    Row("groups:agreement_publish", draft_v2, POST, FACILITATOR_POST),
    wrong("groups:agreement_publish", draft_v2, PUT, "helen"),
    Row("groups:agreement_proposal_answer", sams_proposal, GET, FACILITATOR_PAGE),
    Row("groups:agreement_proposal_answer", sams_proposal, POST, FACILITATOR_POST, not_this_time),
    wrong("groups:agreement_proposal_answer", sams_proposal, PUT, "helen"),
    # The consent member portal.
    Row("consent:my_more", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_more", no_args, POST, "sam"),
    Row("consent:my_choices", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_choices", no_args, POST, "sam"),
    Row("consent:my_choice_history", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_choice_history", no_args, POST, "sam"),
    Row("consent:my_choice_set", photos, GET, MEMBER_PAGE),
    Row("consent:my_choice_set", photos, POST, MEMBER_POST, yes),
    wrong("consent:my_choice_set", photos, PUT, "sam"),
    Row("consent:my_contributions", no_args, GET, MEMBER_PAGE),
    Row("consent:my_contributions", no_args, POST, MEMBER_PAGE),
    wrong("consent:my_contributions", no_args, PUT, "sam"),
    Row(
        "consent:my_contribution_visibility",
        sams_contribution,
        POST,
        SAMS_THING_POST,
        seen_by_the_group,
    ),
    wrong("consent:my_contribution_visibility", sams_contribution, GET, "sam"),
    Row("consent:my_who_sees_what", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_who_sees_what", no_args, POST, "sam"),
    Row("consent:my_who_looked", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_who_looked", no_args, POST, "sam"),
    Row("consent:my_data", no_args, GET, MEMBER_PAGE),
    wrong("consent:my_data", no_args, POST, "sam"),
    # Download and erase: members signed in just now, as they require; staff get 403
    # before the freshness check could sign them out. A wrong method is refused before
    # that check too, so those rows use her ordinary session.
    Row("consent:my_data_download_request", no_args, POST, MEMBER_POST, fresh=True),
    wrong("consent:my_data_download_request", no_args, GET, "sam"),
    Row("consent:my_data_download", sams_export, GET, SAMS_THING, fresh=True),
    wrong("consent:my_data_download", sams_export, POST, "sam"),
    Row("consent:my_data_erase", no_args, GET, MEMBER_PAGE, fresh=True),
    Row("consent:my_data_erase", no_args, POST, MEMBER_PAGE, fresh=True),
    wrong("consent:my_data_erase", no_args, PUT, "sam"),
    Row("consent:my_erase_withdraw", sams_erasure, POST, SAMS_THING_POST),
    wrong("consent:my_erase_withdraw", sams_erasure, GET, "sam"),
    # The consent staff pages.
    Row("consent:group_choices", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("consent:group_choices", tuesday, POST, "helen"),
    Row("consent:member_choices", sam_in_tuesday, GET, SAM_DETAIL),
    # Recording an answer on her behalf is a facilitator's (consent_record), and so are
    # the history of her answers and a contribution added for her: Dee, who supports
    # her, sees her answers but may do none of these. Pinned.
    Row("consent:member_choices", sam_in_tuesday, POST, FACILITATOR_PAGE),
    wrong("consent:member_choices", sam_in_tuesday, PUT, "helen"),
    Row("consent:member_choice_history", sam_in_tuesday, GET, FACILITATOR_PAGE),
    wrong("consent:member_choice_history", sam_in_tuesday, POST, "helen"),
    Row("consent:member_contribution_add", sam_in_tuesday, GET, FACILITATOR_PAGE),
    Row("consent:member_contribution_add", sam_in_tuesday, POST, FACILITATOR_PAGE),
    wrong("consent:member_contribution_add", sam_in_tuesday, PUT, "helen"),
    Row("consent:group_contributions", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("consent:group_contributions", tuesday, POST, "helen"),
    Row("consent:outputs_export", tuesday, GET, FACILITATOR_PAGE),
    wrong("consent:outputs_export", tuesday, POST, "helen"),
    Row("consent:erasure_requests", tuesday, GET, FACILITATOR_PAGE),
    wrong("consent:erasure_requests", tuesday, POST, "helen"),
    Row("consent:erasure_confirm", erasure_in_tuesday, POST, FACILITATOR_POST),
    wrong("consent:erasure_confirm", erasure_in_tuesday, GET, "helen"),
    # sessions_app: check-ins and support requests. Sam has a check-in to answer and a
    # request open; asking again, she is shown the one she has.
    Row("sessions_app:my_checkins", no_args, GET, MEMBER_PAGE),
    wrong("sessions_app:my_checkins", no_args, POST, "sam"),
    Row("sessions_app:my_checkin_step", how_often, GET, MEMBER_PAGE),
    Row("sessions_app:my_checkin_step", how_often, POST, MEMBER_POST, not_now),
    wrong("sessions_app:my_checkin_step", how_often, PUT, "sam"),
    Row("sessions_app:my_checkin_answer", sams_checkin, GET, SAMS_THING),
    Row("sessions_app:my_checkin_answer", sams_checkin, POST, SAMS_THING_POST, ok),
    wrong("sessions_app:my_checkin_answer", sams_checkin, PUT, "sam"),
    Row("sessions_app:my_support", no_args, GET, MEMBER_PAGE | {"sam": To("/my/ask/done/")}),
    Row("sessions_app:my_support", no_args, POST, MEMBER_POST),
    wrong("sessions_app:my_support", no_args, PUT, "sam"),
    Row(
        "sessions_app:my_support_asked",
        no_args,
        GET,
        MEMBER_PAGE | dict.fromkeys(MEMBERS, To("/my/ask/")) | {"sam": 200},
    ),
    wrong("sessions_app:my_support_asked", no_args, POST, "sam"),
    Row("sessions_app:support_queue", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:support_queue", tuesday, POST, "dee"),
    Row("sessions_app:support_acknowledge", sams_request, GET, SAM_DETAIL),
    Row(
        "sessions_app:support_acknowledge",
        sams_request,
        POST,
        SAM_DETAIL | {"helen": DONE, "dee": DONE},
        called_her,
    ),
    wrong("sessions_app:support_acknowledge", sams_request, PUT, "dee"),
    Row("sessions_app:pass_on_done", sams_pass_on, POST, SAM_DETAIL | {"helen": DONE, "dee": DONE}),
    wrong("sessions_app:pass_on_done", sams_pass_on, GET, "dee"),
    Row("sessions_app:group_outbox", tuesday, GET, FACILITATOR_PAGE),
    wrong("sessions_app:group_outbox", tuesday, POST, "helen"),
    Row("sessions_app:message_resolve", a_message_in_tuesday, POST, FACILITATOR_POST, cancel_it),
    wrong("sessions_app:message_resolve", a_message_in_tuesday, GET, "helen"),
    # Her own reminders: every member of staff has the page, as with her training.
    Row("sessions_app:my_reminders", no_args, GET, STAFF_OWN_PAGE),
    Row("sessions_app:my_reminders", no_args, POST, STAFF_OWN_PAGE),
    wrong("sessions_app:my_reminders", no_args, PUT, "helen"),
    # The text-message providers' webhooks: only the provider, proven by its signature
    # or token, whoever is signed in; none is set up in this world.
    Row("sessions_app:twilio_reply", no_args, POST, dict.fromkeys(ROLES, 403)),
    wrong("sessions_app:twilio_reply", no_args, GET, ANON),
    Row("sessions_app:notify_reply", no_args, POST, dict.fromkeys(ROLES, 403)),
    wrong("sessions_app:notify_reply", no_args, GET, ANON),
    # sessions_app: the sessions. A published Tuesday date with one part to its plan:
    # members of the group, on a break too, see it; Kerry has left, Aisha is elsewhere.
    Row("sessions_app:my_sessions", no_args, GET, MEMBER_PAGE),
    wrong("sessions_app:my_sessions", no_args, POST, "sam"),
    Row("sessions_app:my_session_choices", no_args, GET, MEMBER_PAGE),
    Row("sessions_app:my_session_choices", no_args, POST, MEMBER_POST),
    wrong("sessions_app:my_session_choices", no_args, PUT, "sam"),
    Row("sessions_app:my_session", a_session, GET, MEMBER_TUESDAY_PAGE),
    wrong("sessions_app:my_session", a_session, POST, "sam"),
    Row("sessions_app:my_session_plan", a_session, POST, MEMBER_TUESDAY_POST, cant_come),
    wrong("sessions_app:my_session_plan", a_session, GET, "sam"),
    Row("sessions_app:my_step_out", a_session_and_part, POST, MEMBER_TUESDAY_POST, step_out),
    wrong("sessions_app:my_step_out", a_session_and_part, GET, "sam"),
    Row("sessions_app:group_dashboard", tuesday, GET, FACILITATOR_PAGE),
    wrong("sessions_app:group_dashboard", tuesday, POST, "helen"),
    Row("sessions_app:session_list", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:session_list", tuesday, POST, "helen"),
    # An empty form is shown again with what to fix.
    Row("sessions_app:session_new", tuesday, GET, FACILITATOR_PAGE),
    Row("sessions_app:session_new", tuesday, POST, FACILITATOR_PAGE),
    wrong("sessions_app:session_new", tuesday, PUT, "helen"),
    Row("sessions_app:session_detail", tuesday_session, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:session_detail", tuesday_session, POST, "helen"),
    Row("sessions_app:session_edit", tuesday_session, GET, FACILITATOR_PAGE),
    Row("sessions_app:session_edit", tuesday_session, POST, FACILITATOR_PAGE),
    wrong("sessions_app:session_edit", tuesday_session, PUT, "helen"),
    Row("sessions_app:session_roster", tuesday_session, POST, FACILITATOR_POST),
    wrong("sessions_app:session_roster", tuesday_session, GET, "helen"),
    Row("sessions_app:session_publish", tuesday_session, POST, FACILITATOR_POST),
    wrong("sessions_app:session_publish", tuesday_session, GET, "helen"),
    Row("sessions_app:session_cancel", tuesday_session, GET, FACILITATOR_PAGE),
    Row("sessions_app:session_cancel", tuesday_session, POST, FACILITATOR_POST),
    wrong("sessions_app:session_cancel", tuesday_session, PUT, "helen"),
    # Before it has begun, who came cannot be recorded: the form says so.
    Row("sessions_app:session_attendance", tuesday_session, GET, FACILITATOR_PAGE),
    Row("sessions_app:session_attendance", tuesday_session, POST, FACILITATOR_PAGE),
    wrong("sessions_app:session_attendance", tuesday_session, PUT, "helen"),
    Row("sessions_app:agenda_item_new", tuesday_session, GET, FACILITATOR_PAGE),
    Row("sessions_app:agenda_item_new", tuesday_session, POST, FACILITATOR_PAGE),
    wrong("sessions_app:agenda_item_new", tuesday_session, PUT, "helen"),
    Row("sessions_app:agenda_item", tuesday_part, GET, FACILITATOR_PAGE),
    Row("sessions_app:agenda_item", tuesday_part, POST, FACILITATOR_PAGE),
    wrong("sessions_app:agenda_item", tuesday_part, PUT, "helen"),
    Row("sessions_app:agenda_item_remove", tuesday_part, POST, FACILITATOR_POST),
    wrong("sessions_app:agenda_item_remove", tuesday_part, GET, "helen"),
    Row("sessions_app:agenda_item_move", tuesday_part, POST, FACILITATOR_POST),
    wrong("sessions_app:agenda_item_move", tuesday_part, GET, "helen"),
    # Calendars. The feed's address is the key: whoever holds it gets Sam's calendar,
    # signed in or not, as with the new-password link (tests/sessions_app/test_calendar.py
    # has the stopped and unknown addresses).
    Row("sessions_app:calendar_feed", sams_calendar, GET, PUBLIC),
    wrong("sessions_app:calendar_feed", sams_calendar, POST, ANON),
    # Her calendar page renders her new address once (200); never redirected.
    Row("sessions_app:my_calendar", no_args, GET, MEMBER_PAGE),
    Row("sessions_app:my_calendar", no_args, POST, MEMBER_PAGE),
    wrong("sessions_app:my_calendar", no_args, PUT, "sam"),
    Row("sessions_app:my_calendar_stop", no_args, POST, MEMBER_POST),
    wrong("sessions_app:my_calendar_stop", no_args, GET, "sam"),
    Row("sessions_app:my_session_ics", a_session, GET, MEMBER_TUESDAY_PAGE),
    wrong("sessions_app:my_session_ics", a_session, POST, "sam"),
    Row("sessions_app:session_ics", tuesday_session, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:session_ics", tuesday_session, POST, "helen"),
    Row("sessions_app:my_staff_calendar", no_args, GET, STAFF_OWN_PAGE),
    Row("sessions_app:my_staff_calendar", no_args, POST, STAFF_OWN_PAGE),
    wrong("sessions_app:my_staff_calendar", no_args, PUT, "helen"),
    Row(
        "sessions_app:my_staff_calendar_stop",
        no_args,
        POST,
        STAFF_OWN_PAGE | dict.fromkeys(STAFF, DONE),
    ),
    wrong("sessions_app:my_staff_calendar_stop", no_args, GET, "helen"),
    # Notes of held dates: staff of the group read them, facilitators write and approve
    # (Helen wrote this one, so her approval is refused with a message: still a redirect);
    # members read shared ones; Maria, the members' representative, checks one to share.
    Row("sessions_app:session_notes", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:session_notes", tuesday, POST, "helen"),
    Row("sessions_app:session_note", tuesday_shared_note, GET, STAFF_TUESDAY_PAGE),
    Row("sessions_app:session_note", tuesday_note_to_check, POST, FACILITATOR_PAGE),
    wrong("sessions_app:session_note", tuesday_shared_note, PUT, "helen"),
    Row("sessions_app:session_note_submit", tuesday_note_to_check, POST, FACILITATOR_POST),
    wrong("sessions_app:session_note_submit", tuesday_note_to_check, GET, "helen"),
    Row("sessions_app:session_note_approve", tuesday_note_to_check, POST, FACILITATOR_POST),
    wrong("sessions_app:session_note_approve", tuesday_note_to_check, GET, "helen"),
    Row("sessions_app:my_notes", no_args, GET, MEMBER_PAGE),
    wrong("sessions_app:my_notes", no_args, POST, "sam"),
    Row("sessions_app:my_note", a_shared_note, GET, MEMBER_TUESDAY_PAGE),
    wrong("sessions_app:my_note", a_shared_note, POST, "sam"),
    Row(
        "sessions_app:my_note_check",
        a_note_to_check,
        GET,
        MEMBER_TUESDAY_PAGE | {"sam": 403, "jade": 403},
    ),
    Row(
        "sessions_app:my_note_check",
        a_note_to_check,
        POST,
        MEMBER_TUESDAY_PAGE | {"sam": 403, "jade": 403, "maria": DONE},
    ),
    wrong("sessions_app:my_note_check", a_note_to_check, PUT, "maria"),
    # "You said, we did": staff of the group read, facilitators record; members read
    # their groups' (an empty form is shown again with what to fix).
    Row("sessions_app:service_changes", tuesday, GET, STAFF_TUESDAY_PAGE),
    wrong("sessions_app:service_changes", tuesday, POST, "helen"),
    Row("sessions_app:service_change_new", tuesday, GET, FACILITATOR_PAGE),
    Row("sessions_app:service_change_new", tuesday, POST, FACILITATOR_PAGE),
    wrong("sessions_app:service_change_new", tuesday, PUT, "helen"),
    Row("sessions_app:service_change_edit", tuesday_change, GET, FACILITATOR_PAGE),
    Row("sessions_app:service_change_edit", tuesday_change, POST, FACILITATOR_PAGE),
    wrong("sessions_app:service_change_edit", tuesday_change, PUT, "helen"),
    Row("sessions_app:my_changes", no_args, GET, MEMBER_PAGE),
    wrong("sessions_app:my_changes", no_args, POST, "sam"),
    # The admin site.
    Row("admin:index", no_args, GET, ADMIN_PAGE),
    Row("admin:app_list", the_groups_app, GET, ADMIN_PAGE),
    Row("admin:groups_organisation_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:groups_organisation_change", riverside, GET, ADMIN_TUESDAY_OBJECT),
    Row("admin:groups_coprogroup_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:groups_coprogroup_change", tuesday, GET, ADMIN_TUESDAY_OBJECT),
    Row("admin:groups_training_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:groups_training_change", helens_training, GET, ADMIN_TUESDAY_OBJECT),
    Row("admin:consent_contactsharedwithcharity_changelist", no_args, GET, ADMIN_PAGE),
    Row(
        "admin:consent_contactsharedwithcharity_change",
        sams_profile,
        GET,
        ADMIN_TUESDAY_OBJECT,
    ),
    Row("admin:consent_consentpurpose_changelist", no_args, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:consent_consentpurpose_change", a_purpose, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:consent_consentevent_changelist", no_args, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:consent_consentevent_change", sams_answer, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:audit_auditevent_change", an_audit_row, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:outbox_message_changelist", no_args, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:outbox_message_change", a_message, GET, ADMIN_OPERATOR_PAGE),
    # Support requests: counts for the partner admins, each her own organisations'; no
    # page for any one request, for anyone.
    Row("admin:sessions_app_supportrequest_changelist", no_args, GET, ADMIN_PAGE),
    Row(
        "admin:sessions_app_supportrequest_change",
        sams_request_alone,
        GET,
        ADMIN_OPERATOR_PAGE | {"operator": 403, "neil": ADMIN_INDEX},
    ),
    # Sessions and involvement hours, for the funder's report: each partner admin her own
    # organisations'; hours only as a list, no page for any one member's.
    Row("admin:sessions_app_groupsession_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:sessions_app_groupsession_change", a_session, GET, ADMIN_TUESDAY_OBJECT),
    Row("admin:sessions_app_attendance_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:sessions_app_servicechange_changelist", no_args, GET, ADMIN_PAGE),
    Row("admin:sessions_app_servicechange_change", a_change, GET, ADMIN_TUESDAY_OBJECT),
    Row(
        "admin:sessions_app_attendance_change",
        an_attendance,
        GET,
        ADMIN_OPERATOR_PAGE | {"operator": 403, "neil": ADMIN_INDEX},
    ),
    Row("admin:accounts_user_changelist", no_args, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:accounts_user_change", sam, GET, ADMIN_OPERATOR_PAGE),
    Row("admin:audit_auditevent_changelist", no_args, GET, ADMIN_OPERATOR_PAGE),
    # Third-party models the admin shows: the operator's alone.
    *(
        Row(f"admin:{model}_changelist", no_args, GET, ADMIN_OPERATOR_PAGE)
        for model in (
            "account_emailaddress",
            "mfa_authenticator",
            "auth_group",
            "django_celery_beat_periodictask",
            "django_celery_beat_crontabschedule",
            "django_celery_beat_intervalschedule",
            "django_celery_beat_clockedschedule",
            "django_celery_beat_solarschedule",
        )
    ),
]


def _case_id(row: Row) -> str:
    short = row.name.split(":")[-1]
    if row.label:
        return f"{short}_{row.label}"
    if row.method == POST and any(r.name == row.name and r.method == GET for r in TABLE):
        return f"{short}_POST"
    return short


IDS = [_case_id(row) for row in TABLE]


# --- the world -----------------------------------------------------------------------


def _build_world() -> SimpleNamespace:
    """Both groups, every role, and one of each thing a URL can point at."""
    riverside = OrganisationFactory(name="Riverside Women's Centre")
    northgate = OrganisationFactory(name="Northgate University", kind="university")
    tuesday = CoproGroupFactory(
        name="Primary care access – Tuesday", member_facing_name="Tuesday group"
    )
    tuesday.organisations.add(riverside)
    thursday = CoproGroupFactory(
        name="Primary care access – Thursday", member_facing_name="Thursday group"
    )
    thursday.organisations.add(northgate)

    def staff(username: str, group=None, role=None, **fields):
        user = StaffFactory(username=username, first_name=username.title(), **fields)
        if group is not None:
            MembershipFactory(user=user, group=group, role=role)
        return user

    def member(username: str, group, **fields):
        user = UserFactory(username=username, first_name=username.title())
        membership = MembershipFactory(user=user, group=group, **fields)
        return user, membership

    Role, Status = Membership.Role, Membership.Status
    helen = staff("helen", tuesday, Role.FACILITATOR)
    dee = staff("dee", tuesday, Role.SUPPORT_WORKER)
    grace = staff("grace", tuesday, Role.SUPPORT_WORKER)
    tom = staff("tom", thursday, Role.FACILITATOR)
    ruth = staff("ruth", is_staff=True)
    riverside.partner_admins.add(ruth)
    neil = staff("neil", is_staff=True)
    northgate.partner_admins.add(neil)
    operator = staff("operator", is_staff=True, is_superuser=True)
    sam, sam_membership = member("sam", tuesday, support_worker=dee)
    maria, _ = member("maria", tuesday, represents_members=True)
    jade, _ = member("jade", tuesday, status=Status.STEPPED_BACK)
    kerry, _ = member("kerry", tuesday, status=Status.LEFT)
    aisha, _ = member("aisha", thursday)

    services.support_plan_save(member=sam, acting_user=sam, what_helps="A quiet word first")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    contact = services.support_contact_add(
        member=sam, acting_user=sam, kind=SupportContact.Kind.TRUSTED_PERSON, name="Auntie Rose"
    )
    profile = services.safe_contact_update(member=sam, acting_user=sam, sender_name="Jo")
    share = consent_services.consent_record(
        member=sam,
        purpose=ConsentPurpose.objects.get(slug="share_contact_with_partner"),
        answer="yes",
        acting_user=sam,
    )
    v1 = services.agreement_draft_save(
        group=tuesday, acting_user=helen, text="We listen to each other."
    )
    services.agreement_publish(version=v1, acting_user=helen)
    v2 = services.agreement_draft_save(
        group=tuesday, acting_user=helen, text="We listen to each other, and take breaks."
    )
    proposal = services.agreement_comment(
        version=v2, member=sam, text="Phones off, please.", kind=AgreementComment.Kind.PROPOSAL
    )
    _, join = services.invitation_create(group=tuesday, acting_user=helen)
    _, password = account_services.password_link_create(member=sam, acting_user=helen)
    training = services.training_record(
        person=helen,
        acting_user=helen,
        kind=Training.Kind.SAFEGUARDING,
        completed_on=timezone.localdate() - dt.timedelta(days=30),
    )
    contribution = consent_services.contribution_add(
        member=sam, group=tuesday, text="Mine", kind="idea", acting_user=sam
    )
    empty_zip = b"PK\x05\x06" + b"\0" * 18
    (consent_services.export_dir() / "sam.zip").write_bytes(
        crypto.encrypt_bytes_for(sam.pk, empty_zip)
    )
    export = DataExport.objects.create(
        member=sam, status=DataExport.Status.READY, path="sam.zip", ready_at=timezone.now()
    )
    erasure = consent_services.erasure_request(member=sam, acting_user=sam)
    plan = CheckInPlan.objects.create(member=sam, rhythm="weekly", channel=Channel.PORTAL)
    sent = Message.objects.create(
        recipient=sam, kind="checkin", channel=Channel.PORTAL, body="Hi Sam", key="world:2",
        status=Message.Status.SENT, sent_at=timezone.now(),
    )  # fmt: skip
    checkin = CheckIn.objects.create(
        plan=plan, member=sam, on_date=timezone.localdate(), message=sent
    )
    sams_request, _ = support_services.support_request_open(member=sam, source="button")
    start = timezone.now() + dt.timedelta(days=20)
    a_session = GroupSession.objects.create(
        group=tuesday, starts_at=start, ends_at=start + dt.timedelta(hours=2),
        status=GroupSession.Status.PUBLISHED, address="12 Mill Lane",
    )  # fmt: skip
    a_session.facilitators.add(helen)
    a_part = AgendaItem.objects.create(session=a_session, position=1, purpose="Welcome")
    held = GroupSession.objects.create(
        group=tuesday, starts_at=start - dt.timedelta(days=40),
        ends_at=start - dt.timedelta(days=40, hours=-2), status=GroupSession.Status.HELD,
    )  # fmt: skip
    attendance = Attendance.objects.create(session=held, member=sam, came=True, hours=2)
    SessionNote.objects.create(
        session=held, text="We talked about reception.", status=SessionNote.Status.SHARED,
        drafted_by=helen, shared_at=timezone.now(),
    )  # fmt: skip
    to_check = GroupSession.objects.create(
        group=tuesday, starts_at=start - dt.timedelta(days=26),
        ends_at=start - dt.timedelta(days=26, hours=-2), status=GroupSession.Status.HELD,
    )  # fmt: skip
    SessionNote.objects.create(
        session=to_check, text="Ideas for the waiting room.", drafted_by=helen,
        status=SessionNote.Status.TO_CHECK,
    )  # fmt: skip
    a_change = ServiceChange.objects.create(
        group=tuesday, you_said="Reception is too public.", status=ServiceChange.Status.PROPOSED
    )

    people = {
        "sam": sam, "maria": maria, "jade": jade, "kerry": kerry, "aisha": aisha,
        "helen": helen, "tom": tom, "dee": dee, "grace": grace, "ruth": ruth, "neil": neil,
        "operator": operator,
    }  # fmt: skip
    # One session per person, signed in once: a row's savepoint undoes what a request
    # writes to it, so every row starts from the same session.
    sessions = {}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(
        people=people,
        sessions=sessions,
        riverside=riverside,
        tuesday=tuesday,
        sam=sam,
        sam_membership=sam_membership,
        sams_contact=contact,
        sams_profile=profile,
        v2=v2,
        proposal=proposal,
        join_token=join,
        password_token=password,
        helens_training=training,
        sams_contribution=contribution,
        sams_export=export,
        sams_erasure=erasure,
        photos=ConsentPurpose.objects.get(slug="photos"),
        sams_answer=share,
        an_audit_row=AuditEvent.objects.filter(subject_user=sam).first(),
        sams_checkin=checkin,
        sams_request=sams_request,
        a_session=a_session,
        a_part=a_part,
        an_attendance=attendance,
        a_shared_note=held,
        a_note_to_check=to_check,
        a_change=a_change,
        a_message=Message.objects.create(
            recipient=sam, kind="checkin", channel=Channel.SMS, body="Hi Sam", key="world:1"
        ),
        sams_pass_on=support_services.pass_on_create(
            message=Message.objects.create(
                recipient=sam,
                kind="checkin",
                channel=Channel.SUPPORT_WORKER,
                body="Hi Sam",
                key="world:3",
                status=Message.Status.SENT,
                sent_at=timezone.now(),
            ),
            worker=people["dee"],
        ),  # fmt: skip
    )


QUICK = {
    # Cheap password hashing for the world and for every sign-in through the form.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # Second factors are tested elsewhere; this table is about who may see what.
    "HEARTH_REQUIRE_MFA": False,
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once in a transaction that is rolled back when the module ends;
    each test's own transaction is a savepoint inside it."""
    var_dir = tmp_path_factory.mktemp("var")
    with (
        override_settings(VAR_DIR=var_dir, **QUICK),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        crypto.forget_data_keys()
        ensure_purposes()  # an earlier transactional test may have emptied them
        world = _build_world()
        yield world
        transaction.set_rollback(True)
    crypto.forget_data_keys()


@pytest.fixture
def settled(world, settings):
    """The module's settings, for every test (pytest-django's `settings` undoes them)."""
    for name, value in QUICK.items():
        setattr(settings, name, value)
    return world


# --- the tests -------------------------------------------------------------------------


def _answer(row: Row, role: str, world: SimpleNamespace) -> str | None:
    """What is wrong with what `role` gets from `row`, or None. Run inside a savepoint
    rolled back after it, so each role meets the world as it was built."""
    client = Client()
    if role != ANON:
        user = world.people[role]
        if row.fresh and role in MEMBERS:
            response = client.post(
                reverse("account_login"), {"login": user.username, "password": PASSWORD}
            )
            if response.status_code != 302:
                return f"could not sign in: {response.status_code}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = reverse(row.name, args=row.args(world))
    data = row.data(world) if row.data else {}
    response = getattr(client, row.method)(url, data)
    problem = check(client, response, row.expect[role])
    return problem and f"{row.method.upper()} {url} as {role}: {problem}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_access(settled, row):
    """Every role of the row, one after another. One test per row rather than per role
    keeps the matrix fast: the per-test setup costs more than a request."""
    problems = []
    for role in ROLES:
        if role not in row.expect:
            continue
        with transaction.atomic():
            problems.append(_answer(row, role, settled))
            transaction.set_rollback(True)
        # What the rolled-back work left outside the database: data keys in memory, and
        # the rate-limit counters that sign-ins and posts add to in the cache.
        crypto.forget_data_keys()
        if row.fresh or row.method != GET:
            cache.clear()
    assert [p for p in problems if p] == []


# URLs no row is for, each with its reason.
ALLAUTH = "allauth's own pages (sign-in, sign-out, reset, second factor): tested with them"
NOT_HERE = {
    "admin:login": "the admin's sign-in: Hearth forwards it to the one sign-in page",
    "admin:logout": "the admin's sign-out",
    "admin:password_change": "the admin's password pages: staff change theirs through allauth",
    "admin:password_change_done": "the admin's password pages",
    "admin:auth_user_password_change": (
        "the operator setting someone's password: UserAdmin's own change permission, "
        "as on the accounts_user_change row"
    ),
    "admin:jsi18n": "the admin's JavaScript catalogue, no data",
    "admin:autocomplete": "the admin's widget lookups: they answer with each model's rights",
    "admin:view_on_site": "the admin's redirect to an object's own page, which has its row",
}
# An admin page of one model: its list always has a row, and so does one object of each
# of Hearth's own models. Adding, deleting and history answer through the same
# has_*_permission methods (the partner admins' rights to add and change are tested in
# tests/groups/test_admin.py); an object of a third-party model (allauth's e-mail
# addresses and second factors, the auth groups, celery beat's schedules) is the
# operator's alone, as its list's row shows.
OTHER_MODEL_PAGES = "an admin page of one model, answered as its list's row and object's row are"
HEARTHS_APPS = ("groups", "consent", "coproduction")


def _admin_model_page(name: str) -> tuple[bool, str] | None:
    """(whether the model is Hearth's own, which page) for an admin URL of one model."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model.__module__.startswith(HEARTHS_APPS), name.removeprefix(prefix)
    return None


def _named_urls(resolver: URLResolver, namespace: str = "") -> dict[str, str]:
    """Every named URL pattern under `resolver`: its full name → the view it calls."""
    found: dict[str, str] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[f"{namespace}{pattern.name}"] = pattern.lookup_str
    return found


def _why_no_row(name: str, view: str) -> str | None:
    """Why the URL `name` (calling `view`) has no row, or None if it must have one."""
    if view.startswith("allauth."):
        return ALLAUTH
    if name in NOT_HERE:
        return NOT_HERE[name]
    model_page = _admin_model_page(name)
    if model_page is None:
        return None
    hearths, page = model_page
    if page == "changelist" or (page == "change" and hearths):
        return None
    return OTHER_MODEL_PAGES


def test_the_table_covers_every_url_and_every_role():
    """A new named URL anywhere in the URL conf fails here until it has a row for
    every role, and a row for the method it refuses."""
    urls = _named_urls(get_resolver())
    rows = {row.name for row in TABLE}
    needed = {name for name, view in urls.items() if _why_no_row(name, view) is None}
    assert needed - rows == set(), "URLs without a row"
    assert rows - set(urls) == set(), "rows for URLs the URL conf no longer has"
    for row in TABLE:
        if row.label:
            assert row.method == row.label.lower(), row.name
            assert set(row.expect.values()) == {405}, row.name
        else:
            assert set(row.expect) == set(ROLES), row.name
    # Every URL but the admin's has a row for a method it refuses: a POST-only one its
    # GET, any other its POST or PUT.
    for name in rows - {n for n in rows if n.startswith("admin:")}:
        methods = {row.method for row in TABLE if row.name == name and not row.label}
        refused = {row.method for row in TABLE if row.name == name and row.label}
        assert len(refused) == 1, f"{name}: needs one row for a method it refuses"
        assert not refused & methods, f"{name}: refuses a method it answers"
        if methods == {POST}:
            assert refused == {GET}, f"{name}: POST-only, needs its GET row"
