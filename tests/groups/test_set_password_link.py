"""A member with no e-mail (Precious) who forgot her password: staff who may see her make
a single-use link, shown once; she opens it, chooses a password and is signed in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coproduction.accounts import services
from coproduction.accounts.models import PasswordLink
from coproduction.audit.models import AuditEvent
from groups.models import Membership
from tests.factories import MembershipFactory, StaffFactory, UserFactory

NEW = "kettle garden window seven"
LINK = re.compile(r"/new-password/([\w-]+)/")


@pytest.fixture
def precious(tuesday_group, dee):
    """No e-mail; reached through Dee, who supports her."""
    user = UserFactory(username="precious", first_name="Precious", email="")
    MembershipFactory(user=user, group=tuesday_group, support_worker=dee)
    return user


@pytest.fixture
def precious_membership(precious):
    return precious.memberships.get()


def link_url(group, membership) -> str:
    return reverse("groups:member_password_link", args=[group.pk, membership.pk])


def make_link(client, group, membership) -> str:
    response = client.post(link_url(group, membership))
    assert response.status_code == 200
    return LINK.search(response.content.decode()).group(1)


# --- the staff page ------------------------------------------------------------------


def test_her_support_worker_makes_a_link_shown_once(
    client, dee, tuesday_group, precious_membership
):
    client.force_login(dee)
    response = client.post(link_url(tuesday_group, precious_membership))
    assert response.status_code == 200
    page = response.content.decode()
    token = LINK.search(page).group(1)
    assert "precious" in page, "she is told the name to sign in with"
    link = PasswordLink.objects.get()
    assert link.user == precious_membership.user and link.made_by == dee
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert token not in str(dict(client.session))
    assert (
        AuditEvent.objects.filter(
            action="password_link.create", actor=dee, subject_user=precious_membership.user
        ).count()
        == 1
    )


def test_a_facilitator_makes_a_link_for_any_member(
    client, helen_fac, tuesday_group, maria_membership
):
    client.force_login(helen_fac.user)
    assert client.post(link_url(tuesday_group, maria_membership)).status_code == 200


def test_the_member_page_offers_it(client, dee, tuesday_group, precious_membership):
    client.force_login(dee)
    url = reverse("groups:member_detail", args=[tuesday_group.pk, precious_membership.pk])
    assert link_url(tuesday_group, precious_membership) in client.get(url).content.decode()


def test_a_support_worker_who_does_not_support_her_is_refused(
    client, dee, tuesday_group, maria_membership
):
    client.force_login(dee)
    assert client.post(link_url(tuesday_group, maria_membership)).status_code == 403
    assert not PasswordLink.objects.exists()


def test_an_outsider_gets_404(client, tom, tuesday_group, precious_membership):
    client.force_login(tom)
    assert client.post(link_url(tuesday_group, precious_membership)).status_code == 404


def test_a_member_gets_403(client, sam_membership, tuesday_group, precious_membership):
    client.force_login(sam_membership.user)
    assert client.post(link_url(tuesday_group, precious_membership)).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, tuesday_group, precious_membership):
    response = client.post(link_url(tuesday_group, precious_membership))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_get_is_refused(client, dee, tuesday_group, precious_membership):
    client.force_login(dee)
    assert client.get(link_url(tuesday_group, precious_membership)).status_code == 405
    assert not PasswordLink.objects.exists()


def test_no_link_for_someone_who_has_left(client, dee, tuesday_group, precious_membership):
    precious_membership.status = Membership.Status.LEFT
    precious_membership.save(update_fields=["status"])
    client.force_login(dee)
    assert client.post(link_url(tuesday_group, precious_membership)).status_code == 403
    assert not PasswordLink.objects.exists()


# --- the services --------------------------------------------------------------------


def test_create_refuses_a_staff_account_and_a_closed_one(db, precious):
    helen = StaffFactory(username="helen2")
    with pytest.raises(ValidationError):
        services.password_link_create(member=helen, acting_user=helen)
    precious.is_active = False
    precious.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        services.password_link_create(member=precious, acting_user=helen)
    assert not PasswordLink.objects.exists()


def test_making_a_second_link_leaves_only_the_newest_working(db, precious, dee):
    _, first = services.password_link_create(member=precious, acting_user=dee)
    _, second = services.password_link_create(member=precious, acting_user=dee)
    assert services.password_link_for_token(first) is None
    assert services.password_link_for_token(second) is not None
    assert [link.is_usable for link in PasswordLink.objects.order_by("pk")] == [False, True]


def test_use_sets_the_password_once(db, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    user = services.password_link_use(token=token, password=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW)
    with pytest.raises(ValidationError):
        services.password_link_use(token=token, password=NEW + " again")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="password_link.use", subject_user=precious).count() == 1


def test_a_refused_password_leaves_the_link_working(db, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    with pytest.raises(ValidationError) as refused:
        services.password_link_use(token=token, password="123")
    assert refused.value.code != "link"
    assert services.password_link_for_token(token) is not None


def test_an_old_link_is_refused(db, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    later = timezone.now() + dt.timedelta(hours=services.PASSWORD_LINK_HOURS, minutes=1)
    with time_machine.travel(later):
        with pytest.raises(ValidationError):
            services.password_link_use(token=token, password=NEW)


def test_an_unknown_link_is_refused(db):
    with pytest.raises(ValidationError):
        services.password_link_use(token="not-a-token", password=NEW)


# --- her page ------------------------------------------------------------------------


def test_she_opens_the_link_chooses_a_password_and_is_signed_in(
    client, dee, tuesday_group, precious_membership
):
    client.force_login(dee)
    token = make_link(client, tuesday_group, precious_membership)
    client.logout()
    url = reverse("accounts:new_password", args=[token])
    assert "/new-password/" in url
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == precious_membership.user.pk
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/my/"

    client.logout()
    assert client.get(url).status_code == 404, "the link works once"
    assert client.post(url, {"password1": NEW, "password2": NEW}).status_code == 404
    client.post(reverse("account_login"), {"login": "precious", "password": NEW})
    assert int(client.session["_auth_user_id"]) == precious_membership.user.pk


def test_a_weak_password_gets_one_plain_message(client, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    url = reverse("accounts:new_password", args=[token])
    response = client.post(url, {"password1": "1234", "password2": "1234"})
    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert len(errors) == 1, errors
    assert "_auth_user_id" not in client.session
    assert services.password_link_for_token(token) is not None


def test_two_different_passwords_are_refused(client, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    url = reverse("accounts:new_password", args=[token])
    response = client.post(url, {"password1": NEW, "password2": NEW + "x"})
    assert response.status_code == 200
    assert "not the same" in response.content.decode()


def test_a_made_up_link_shows_a_next_step(client, db):
    response = client.get(reverse("accounts:new_password", args=["made-up"]))
    assert response.status_code == 404
    assert "support worker or facilitator" in response.content.decode()


def test_her_page_refuses_other_methods(client, precious, dee):
    _, token = services.password_link_create(member=precious, acting_user=dee)
    assert client.put(reverse("accounts:new_password", args=[token])).status_code == 405
