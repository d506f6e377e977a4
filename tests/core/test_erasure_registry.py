"""The one list of erasure steps: each app contributes, the platform runs them in order
inside one transaction, knows no domain app, and every step is safe to run twice."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from celery import current_app
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from consent import services
from consent.models import ErasureRequest
from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.core import erasure
from coproduction.crypto.models import DataKey
from groups import services as group_services
from groups.models import Invitation
from tests.factories import CoproGroupFactory

PLATFORM = Path(__file__).resolve().parents[2] / "coproduction"
DOMAIN_APPS = ("groups", "consent", "sessions_app")


@pytest.fixture
def registry(monkeypatch):
    """An empty list to register into, instead of the apps' steps."""
    monkeypatch.setattr(erasure, "_steps", {})
    monkeypatch.setattr(erasure, "_finders", {})


def test_every_app_contributes_its_steps_in_order():
    names = [s.name for s in erasure.steps()]
    assert set(names) == {
        "allauth.addresses_and_authenticators",
        "allauth.rate_limits",
        "celery_beat.periodic_tasks",
        "consent.current_answers",
        "consent.data_exports",
        "core.sessions",
        "groups.invitations",
        "crypto.data_key",
        "admin.log",
        "accounts.account",
    }
    # Her key goes before her account; the admin log is read while her rows exist.
    assert (
        names.index("crypto.data_key") < names.index("admin.log") < names.index("accounts.account")
    )
    assert names[-1] == "accounts.account"


@pytest.mark.parametrize(
    "module",
    [
        "core/erasure.py",
        "core/erasure_steps.py",
        "core/sessions.py",
        "core/db.py",
        "core/download.py",
    ],
)
def test_the_platform_knows_no_domain_app(module):
    for node in ast.walk(ast.parse((PLATFORM / module).read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        else:
            continue
        assert not [n for n in names if n.split(".")[0] in DOMAIN_APPS], (module, names)


def test_steps_run_in_order_inside_the_callers_transaction(db, registry):
    ran = []

    @erasure.identifies
    def finder(person):
        person.add_email(" Her@Example.org ")
        person.add_phone("07700 900461")

    @erasure.step("second", order=20)
    def second(person):
        ran.append(("second", sorted(person.emails), sorted(person.phones)))

    @erasure.step("first", order=10)
    def first(person):
        ran.append(("first",))

    with transaction.atomic():
        erasure.erase(user_id=1)
    assert ran == [("first",), ("second", ["her@example.org"], ["07700900461"])]


def test_erasing_outside_a_transaction_is_refused(registry):
    with pytest.raises(RuntimeError, match="transaction"):
        erasure.erase(user_id=1)


def test_two_steps_cannot_share_a_name(registry):
    @erasure.step("same", order=1)
    def one(person):
        pass

    with pytest.raises(ImproperlyConfigured):

        @erasure.step("same", order=2)
        def other(person):
            pass


def test_a_step_that_fails_undoes_every_step(maria, monkeypatch):
    token = crypto.encrypt_for(maria.pk, "her words")
    request = services.erasure_request(member=maria, acting_user=maria)

    def fails(person):
        raise RuntimeError("disk full")

    steps = dict(erasure._steps)
    steps["zz.fails"] = erasure.Step(name="zz.fails", order=10_000, run=fails)
    monkeypatch.setattr(erasure, "_steps", steps)

    with pytest.raises(RuntimeError, match="disk full"):
        services.erasure_carry_out(request_id=request.pk)

    assert User.objects.filter(pk=maria.pk).exists()
    crypto.forget_data_keys()
    assert crypto.decrypt(token) == "her words"
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureRequest.Status.REQUESTED


def test_every_step_run_twice_does_nothing_more(maria, helen):
    group = CoproGroupFactory()
    group_services.invitation_create(
        group=group, acting_user=helen, email=maria.email, phone="07700 900111"
    )
    with transaction.atomic():
        erasure.erase(user_id=maria.pk)
        erasure.erase(user_id=maria.pk)
    assert not User.objects.filter(pk=maria.pk).exists()
    assert not Invitation.objects.exists()


def test_a_scheduled_task_is_hers_only_where_it_takes_her_id_as_a_person(maria, sam):
    @current_app.task(name="tests.core.remind")
    def remind(member_id, export_id=None):
        """A task about a person, as Hearth's tasks take her: by id."""

    every_day, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.DAYS)
    for name, task, args, kwargs in [
        ("hers, by position", "tests.core.remind", [maria.pk], {}),
        ("hers, by name", "tests.core.remind", [], {"member_id": maria.pk}),
        ("someone else's", "tests.core.remind", [sam.pk], {}),
        ("an export with her number", "consent.tasks.build_data_export", [maria.pk], {}),
        ("an export id, by name", "tests.core.remind", [sam.pk], {"export_id": maria.pk}),
    ]:
        PeriodicTask.objects.create(
            name=name,
            task=task,
            interval=every_day,
            args=json.dumps(args),
            kwargs=json.dumps(kwargs),
        )

    with transaction.atomic():
        erasure.erase(user_id=maria.pk)

    assert set(PeriodicTask.objects.values_list("name", flat=True)) == {
        "someone else's",
        "an export with her number",
        "an export id, by name",
    }


# --- invitations to an address ---------------------------------------------------------


@pytest.fixture
def invitations(helen):
    group = CoproGroupFactory()
    made = {}
    for name, email, phone in [
        ("hers", "her@example.org", "07700 900461"),
        ("by_phone", "", "07700900461"),
        ("other", "other@example.org", "07700 900999"),
        ("none", "", ""),
    ]:
        made[name], _ = group_services.invitation_create(
            group=group, acting_user=helen, email=email, phone=phone
        )
    return made


def test_invitations_to_an_address_in_any_case(invitations):
    found = Invitation.objects.to_address(email=" HER@example.org")
    assert list(found) == [invitations["hers"]]


def test_invitations_to_a_phone_however_it_is_spaced(invitations):
    found = Invitation.objects.to_address(phone="07700-900 461")
    assert set(found) == {invitations["hers"], invitations["by_phone"]}


def test_invitations_to_an_address_or_a_phone(invitations):
    found = Invitation.objects.to_address(email="other@example.org", phone="07700 900461")
    assert set(found) == {invitations["hers"], invitations["by_phone"], invitations["other"]}


def test_invitations_to_no_address_are_none(invitations):
    assert not Invitation.objects.to_address().exists()
    assert not Invitation.objects.to_address(email="", phone=" ").exists()


def test_an_invitation_under_a_key_of_its_own_loses_that_key_too(db, helen):
    """An invitation sent before anyone knew the address is under its own key, which
    destroying her data key does not reach: the invitations step destroys it."""
    invitation, _ = group_services.invitation_create(
        group=CoproGroupFactory(), acting_user=helen, phone="07700 900777"
    )
    assert invitation.key_owner_id < 0
    person = erasure.Person(pk=999_999)
    person.add_phone("07700900777")
    with transaction.atomic():
        next(s for s in erasure.steps() if s.name == "groups.invitations").run(person)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert not DataKey.objects.filter(owner_id=invitation.key_owner_id).exists()
