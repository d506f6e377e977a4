"""Who may open what: every URL of the groups app against every role, in one table.

The expected answers are the access rules (STYLE.md, Access; PEOPLE.md), not what the
code happens to do: nobody signed in is sent to sign in (the join link excepted);
members get 403 on staff pages and staff get 403 on the member portal; "my/" pages are
hers alone, so another member gets her own page, or 404 for a group she is not in or a
thing that is not hers; outside a group a member of staff gets 404, inside it a role
too low gets 403; partner admins have no membership and use the admin site, scoped to
their own organisations. Where the rules do not decide, the row pins what the app does
today and says so.

The world, built fresh for every case:

- Tuesday group (Riverside Women's Centre, partner admin Ruth): Helen facilitates; Dee
  is a support worker and supports Sam; Grace is a support worker who does not support
  Sam; Sam and Maria are members. Sam shared her support plan with Dee only, and has a
  support contact of her own. Agreement v1 is published, v2 is a draft. A join link is
  open.
- Thursday group (Northgate University, partner admin Neil): Tom facilitates; Aisha is
  a member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import AgreementComment, Membership, SupportContact, Training
from groups.urls import urlpatterns
from tests.factories import MembershipFactory, StaffFactory

GET, POST = "get", "post"

ANON = "anonymous"
ROLES = (ANON, "sam", "maria", "aisha", "helen", "tom", "dee", "grace", "ruth", "neil")


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

# A "my/" page with nothing in the URL: each member gets her own; staff get 403.
MEMBER_PAGE = {
    ANON: LOGIN,
    "sam": 200, "maria": 200, "aisha": 200,
    "helen": 403, "tom": 403, "dee": 403, "grace": 403, "ruth": 403, "neil": 403,
}  # fmt: skip
# A "my/groups/<Tuesday>/" page: Aisha is not in the Tuesday group.
MEMBER_TUESDAY_PAGE = MEMBER_PAGE | {"aisha": 404}
# Posting to one: done, then redirected back into the portal.
MEMBER_TUESDAY_POST = MEMBER_TUESDAY_PAGE | {"sam": DONE, "maria": DONE}
# Removing Sam's support contact: only Sam; for any other member it does not exist.
SAMS_CONTACT_POST = MEMBER_PAGE | {"sam": DONE, "maria": 404, "aisha": 404}

# A staff page of the Tuesday group: its staff get it; members 403; staff of another
# group and the partner admins (who have no membership) 404.
STAFF_TUESDAY_PAGE = {
    ANON: LOGIN,
    "sam": 403, "maria": 403, "aisha": 403,
    "helen": 200, "tom": 404, "dee": 200, "grace": 200, "ruth": 404, "neil": 404,
}  # fmt: skip
# Facilitator-only: a support worker's role is too low.
FACILITATOR_PAGE = STAFF_TUESDAY_PAGE | {"dee": 403, "grace": 403}
FACILITATOR_POST = FACILITATOR_PAGE | {"helen": DONE}
# Sam's own record: Dee supports her; Grace is in the group but does not support her.
SAM_DETAIL = STAFF_TUESDAY_PAGE | {"grace": 403}
# Sam's plan: shared with Dee only, so Helen's role does not open it either.
SAM_PLAN = SAM_DETAIL | {"helen": 403}

# A staff page about herself, in no group: every member of staff gets her own.
# Pinned: the rules do not say what a partner admin (staff, no group) gets here.
STAFF_OWN_PAGE = {
    ANON: LOGIN,
    "sam": 403, "maria": 403, "aisha": 403,
    "helen": 200, "tom": 200, "dee": 200, "grace": 200, "ruth": 200, "neil": 200,
}  # fmt: skip

# The public join link: open to anyone with a valid token. Pinned for those already
# signed in: a page saying the link is for someone joining for the first time.
JOIN_LINK = dict.fromkeys(ROLES, 200)

# The admin site: only partner admins (is_staff) get in, each scoped to her own
# organisations; everyone else signed in is sent to the admin's login (pinned).
ADMIN_CHANGELIST = {
    ANON: LOGIN,
    "sam": ADMIN_LOGIN, "maria": ADMIN_LOGIN, "aisha": ADMIN_LOGIN,
    "helen": ADMIN_LOGIN, "tom": ADMIN_LOGIN, "dee": ADMIN_LOGIN, "grace": ADMIN_LOGIN,
    "ruth": 200, "neil": 200,
}  # fmt: skip
# A Tuesday-group object: Ruth's, not Neil's (pinned: the admin's "does not exist").
ADMIN_TUESDAY_OBJECT = ADMIN_CHANGELIST | {"neil": ADMIN_INDEX}


# --- the table ---------------------------------------------------------------------------


def no_args(w) -> list:
    return []


def tuesday(w) -> list:
    return [w.tuesday.pk]


def sams_contact(w) -> list:
    return [w.sams_contact.pk]


def sam_in_tuesday(w) -> list:
    return [w.tuesday.pk, w.sam_membership.pk]


def draft_v2(w) -> list:
    return [w.tuesday.pk, w.v2.pk]


def join_token(w) -> list:
    return [w.token]


def helens_training(w) -> list:
    return [w.helens_training.pk]


def a_comment_on_v2(w) -> dict:
    return {"version": w.v2.pk, "kind": AgreementComment.Kind.COMMENT, "text": "Tea breaks?"}


def sams_proposal(w) -> list:
    return [w.tuesday.pk, w.proposal.pk]


def not_this_time(w) -> dict:
    return {"answer": AgreementComment.Answer.NOT_NOW, "reason": "We will talk about it first."}


@dataclass(frozen=True)
class Row:
    name: str
    args: Callable[[SimpleNamespace], list]
    method: str
    expect: dict[str, Expected]
    data: Callable[[SimpleNamespace], dict] | None = None
    label: str = ""


TABLE = [
    # coproduction/urls.py: the two homes.
    Row("member_home", no_args, GET, MEMBER_PAGE),
    Row("staff_home", no_args, GET, STAFF_OWN_PAGE),
    # Joining.
    Row("groups:join", join_token, GET, JOIN_LINK),
    # The member portal: her own things.
    Row("groups:my_details", no_args, GET, MEMBER_PAGE),
    Row("groups:my_contact", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_contacts", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_contact_remove", sams_contact, POST, SAMS_CONTACT_POST),
    Row("groups:my_support_plan", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_plan_sharing", no_args, GET, MEMBER_PAGE),
    Row("groups:my_support_plan_views", no_args, GET, MEMBER_PAGE),
    Row("groups:my_step_back", tuesday, GET, MEMBER_TUESDAY_PAGE),
    # Sam is not stepped back: coming back is refused with a message and the same redirect.
    Row("groups:my_come_back", tuesday, POST, MEMBER_TUESDAY_POST),
    Row("groups:my_leave", tuesday, GET, MEMBER_TUESDAY_PAGE),
    Row("groups:my_agreement", tuesday, GET, MEMBER_TUESDAY_PAGE),
    Row("groups:my_agreement_comment", tuesday, POST, MEMBER_TUESDAY_POST, a_comment_on_v2),
    # Staff pages.
    Row("groups:roster", tuesday, GET, STAFF_TUESDAY_PAGE),
    Row("groups:invite", tuesday, GET, FACILITATOR_PAGE),
    Row("groups:member_detail", sam_in_tuesday, GET, SAM_DETAIL),
    Row("groups:member_support_plan", sam_in_tuesday, GET, SAM_PLAN),
    # Renders the link once (200), like the invitation link; never redirected.
    Row("groups:member_password_link", sam_in_tuesday, POST, SAM_DETAIL),
    # Not facilitator-only in the rules: support workers of the group see it.
    Row("groups:group_training", tuesday, GET, STAFF_TUESDAY_PAGE),
    Row("groups:my_training", no_args, GET, STAFF_OWN_PAGE),
    Row("groups:agreement_drafts", tuesday, GET, FACILITATOR_PAGE),
    Row("groups:agreement_edit", draft_v2, GET, FACILITATOR_PAGE),
    Row("groups:agreement_publish", draft_v2, GET, FACILITATOR_PAGE),
    Row("groups:agreement_publish", draft_v2, POST, FACILITATOR_POST),
    Row("groups:agreement_proposal_answer", sams_proposal, GET, FACILITATOR_PAGE),
    Row("groups:agreement_proposal_answer", sams_proposal, POST, FACILITATOR_POST, not_this_time),
    # The admin site.
    Row("admin:groups_coprogroup_changelist", no_args, GET, ADMIN_CHANGELIST),
    Row("admin:groups_coprogroup_change", tuesday, GET, ADMIN_TUESDAY_OBJECT),
    Row("admin:groups_training_changelist", no_args, GET, ADMIN_CHANGELIST),
    Row("admin:groups_training_change", helens_training, GET, ADMIN_TUESDAY_OBJECT),
    # POST-only URLs refuse a GET, even from someone the POST is for.
    Row("groups:my_support_contact_remove", sams_contact, GET, {"sam": 405}, label="GET"),
    Row("groups:my_come_back", tuesday, GET, {"sam": 405}, label="GET"),
    Row("groups:my_agreement_comment", tuesday, GET, {"sam": 405}, label="GET"),
    Row("groups:member_password_link", sam_in_tuesday, GET, {"helen": 405}, label="GET"),
    # Pages that take a GET and a POST refuse anything else.
    Row("groups:agreement_publish", draft_v2, "put", {"helen": 405}, label="PUT"),
    Row("groups:agreement_proposal_answer", sams_proposal, "put", {"helen": 405}, label="PUT"),
]


def _case_id(row: Row) -> str:
    short = row.name.split(":")[-1]
    if row.label:
        return f"{short}_{row.label}"
    if row.method == POST and any(r.name == row.name and r.method == GET for r in TABLE):
        return f"{short}_POST"
    return short


CASES = [
    pytest.param(row, role, id=f"{_case_id(row)}-{role}")
    for row in TABLE
    for role in ROLES
    if role in row.expect
]


# --- the world -----------------------------------------------------------------------


@pytest.fixture
def world(
    settings,
    organisation,
    university,
    tuesday_group,
    thursday_group,
    helen_fac,
    dee,
    sam_membership,
    maria_membership,
    tom,
    aisha,
    ruth,
):
    """Both groups, every role, and one of each thing a URL can point at."""
    # Second factors are tested elsewhere; this table is about who may see what.
    settings.HEARTH_REQUIRE_MFA = False
    helen, sam, maria = helen_fac.user, sam_membership.user, maria_membership.user

    grace = StaffFactory(username="grace", first_name="Grace")
    MembershipFactory(user=grace, group=tuesday_group, role=Membership.Role.SUPPORT_WORKER)
    neil = StaffFactory(username="neil", first_name="Neil", is_staff=True)
    university.partner_admins.add(neil)

    services.support_plan_save(member=sam, acting_user=sam, what_helps="A quiet word first")
    services.support_plan_share(member=sam, acting_user=sam, readers=[dee])
    contact = services.support_contact_add(
        member=sam, acting_user=sam, kind=SupportContact.Kind.TRUSTED_PERSON, name="Auntie Rose"
    )

    v1 = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen to each other."
    )
    services.agreement_publish(version=v1, acting_user=helen)
    v2 = services.agreement_draft_save(
        group=tuesday_group, acting_user=helen, text="We listen to each other, and take breaks."
    )
    proposal = services.agreement_comment(
        version=v2, member=sam, text="Phones off, please.", kind=AgreementComment.Kind.PROPOSAL
    )
    _, token = services.invitation_create(group=tuesday_group, acting_user=helen)
    training = services.training_record(
        person=helen,
        acting_user=helen,
        kind=Training.Kind.SAFEGUARDING,
        completed_on=timezone.localdate() - dt.timedelta(days=30),
    )

    people = {
        "sam": sam, "maria": maria, "aisha": aisha, "helen": helen, "tom": tom,
        "dee": dee, "grace": grace, "ruth": ruth, "neil": neil,
    }  # fmt: skip
    return SimpleNamespace(
        people=people,
        tuesday=tuesday_group,
        thursday=thursday_group,
        sam=sam,
        sam_membership=sam_membership,
        sams_contact=contact,
        v1=v1,
        v2=v2,
        proposal=proposal,
        token=token,
        helens_training=training,
    )


# --- the tests -------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "role"), CASES)
def test_access(client, world, row, role):
    if role != ANON:
        client.force_login(world.people[role])
    url = reverse(row.name, args=row.args(world))
    data = row.data(world) if row.data else {}
    response = getattr(client, row.method)(url, data)
    problem = check(client, response, row.expect[role])
    assert problem is None, f"{row.method.upper()} {url} as {role}: {problem}"


def test_the_table_covers_every_url_and_every_role():
    """A new URL in groups/urls.py fails here until it has a row for every role."""
    names = {pattern.name for pattern in urlpatterns}
    rows = {row.name.removeprefix("groups:") for row in TABLE if row.name.startswith("groups:")}
    assert names - rows == set(), "URLs of groups/urls.py without a row"
    assert rows - names == set(), "rows for URLs that groups/urls.py no longer has"
    for name in (
        "member_home",
        "staff_home",
        "admin:groups_coprogroup_changelist",
        "admin:groups_coprogroup_change",
        "admin:groups_training_changelist",
        "admin:groups_training_change",
    ):
        assert name in {row.name for row in TABLE}, name
    for row in TABLE:
        if row.label:
            assert row.method == row.label.lower(), row.name
            assert set(row.expect.values()) == {405}, row.name
        else:
            assert set(row.expect) == set(ROLES), row.name
    # Every POST-only URL has its GET row; a URL that takes both has a PUT row.
    gets = {row.name for row in TABLE if row.method == GET and not row.label}
    posts = {row.name for row in TABLE if row.method == POST}
    assert posts - gets == {row.name for row in TABLE if row.label == "GET"}
    assert posts & gets == {row.name for row in TABLE if row.label == "PUT"}
