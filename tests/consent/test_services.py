"""Consent services: success, each refusal, and "called twice, one effect"."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import uuid
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from consent import services
from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    Contribution,
    DataExport,
    ErasureRequest,
    Visibility,
)
from consent.tasks import build_data_export, expire_data_exports
from coproduction import crypto
from coproduction.accounts.models import User
from coproduction.audit.models import AuditEvent
from groups import services as group_services
from groups.models import Membership
from tests.factories import CoproGroupFactory, MembershipFactory, StaffFactory, UserFactory

HOW = "She told me at the end of Tuesday's session."


@pytest.fixture
def group(db):
    return CoproGroupFactory(name="Riverside", member_facing_name="Tuesday group")


@pytest.fixture
def helen(helen, group):
    """Facilitator of Sam's group."""
    MembershipFactory(user=helen, group=group, role=Membership.Role.FACILITATOR)
    return helen


@pytest.fixture
def dee(group):
    """Support worker in Sam's group."""
    user = StaffFactory(username="dee", first_name="Dee", last_name="Okafor")
    MembershipFactory(user=user, group=group, role=Membership.Role.SUPPORT_WORKER)
    return user


@pytest.fixture
def tom(db):
    """Facilitator of another group only."""
    user = StaffFactory(username="tom", first_name="Tom", last_name="Reid")
    MembershipFactory(user=user, group=CoproGroupFactory(), role=Membership.Role.FACILITATOR)
    return user


@pytest.fixture
def sam(sam, group, dee):
    MembershipFactory(user=sam, group=group, role=Membership.Role.MEMBER, support_worker=dee)
    return sam


@pytest.fixture
def photos(db):
    return ConsentPurpose.objects.get(slug="photos")


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def zips(var_dir) -> list:
    folder = var_dir / "exports"
    return sorted(folder.iterdir()) if folder.exists() else []


def open_zip(path) -> zipfile.ZipFile:
    """A download as she receives it: the file on disk is encrypted under her data key."""
    return zipfile.ZipFile(io.BytesIO(crypto.decrypt_bytes(path.read_bytes())))


# --- consent_record -----------------------------------------------------------------


def test_she_records_her_answer(sam, photos):
    event = services.consent_record(member=sam, purpose=photos, answer=Answer.YES, acting_user=sam)
    stored = ConsentEvent.objects.get(pk=event.pk)
    assert (stored.member, stored.purpose, stored.answer) == (sam, photos, Answer.YES)
    assert stored.text == photos.texts.get(version=1)
    assert stored.method == ConsentEvent.Method.PORTAL
    assert stored.recorded_by == sam
    assert not stored.on_behalf
    assert stored.how_she_told_us == ""
    assert actions(subject_user=sam) == ["consent.record"]
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.subject_type, audit.subject_id) == (
        sam,
        "consent.consentevent",
        str(event.pk),
    )


def test_the_same_answer_twice_is_one_event(sam, photos):
    first = services.consent_record(member=sam, purpose=photos, answer=Answer.NO, acting_user=sam)
    again = services.consent_record(member=sam, purpose=photos, answer=Answer.NO, acting_user=sam)
    assert again.pk == first.pk
    assert ConsentEvent.objects.count() == 1
    assert actions() == ["consent.record"]

    services.consent_record(member=sam, purpose=photos, answer=Answer.YES, acting_user=sam)
    assert ConsentEvent.objects.count() == 2
    assert actions() == ["consent.record", "consent.record"]


@pytest.mark.parametrize("answer", ["maybe", "", "YES", None])
def test_an_answer_that_is_not_a_choice_is_refused(sam, photos, answer):
    with pytest.raises(ValidationError):
        services.consent_record(member=sam, purpose=photos, answer=answer, acting_user=sam)
    assert not ConsentEvent.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("method", [ConsentEvent.Method.IN_PERSON, "paper", "phone"])
def test_a_facilitator_of_her_group_records_it_on_her_behalf(sam, helen, photos, method):
    event = services.consent_record(
        member=sam,
        purpose=photos,
        answer=Answer.NO,
        acting_user=helen,
        method=method,
        how_she_told_us=f"  {HOW}  ",
    )
    stored = ConsentEvent.objects.get(pk=event.pk)
    assert stored.on_behalf
    assert stored.recorded_by == helen
    assert stored.member == sam
    assert stored.method == method
    assert stored.how_she_told_us == HOW
    column = raw("consent_consentevent", "how_she_told_us", event.pk)
    assert column.startswith("dk:")
    assert "Tuesday" not in column
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.subject_user, audit.action) == (helen, sam, "consent.record")


@pytest.mark.parametrize("how", ["", "   "])
def test_on_her_behalf_needs_how_she_told_us(sam, helen, photos, how):
    with pytest.raises(ValidationError, match="how she told you"):
        services.consent_record(
            member=sam,
            purpose=photos,
            answer=Answer.YES,
            acting_user=helen,
            method=ConsentEvent.Method.IN_PERSON,
            how_she_told_us=how,
        )
    assert not ConsentEvent.objects.exists()


def test_on_her_behalf_cannot_claim_she_used_the_portal(sam, helen, photos):
    with pytest.raises(ValidationError):
        services.consent_record(
            member=sam,
            purpose=photos,
            answer=Answer.YES,
            acting_user=helen,
            method=ConsentEvent.Method.PORTAL,
            how_she_told_us=HOW,
        )
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize("who", ["tom", "dee", "maria"])
def test_only_a_facilitator_of_her_group_may_record_for_her(request, sam, photos, who):
    if who == "maria":
        MembershipFactory(user=request.getfixturevalue("maria"), group=sam.memberships.get().group)
    acting = request.getfixturevalue(who)
    with pytest.raises(ValidationError, match="facilitator of her group"):
        services.consent_record(
            member=sam,
            purpose=photos,
            answer=Answer.YES,
            acting_user=acting,
            method=ConsentEvent.Method.IN_PERSON,
            how_she_told_us=HOW,
        )
    assert not ConsentEvent.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_facilitator_who_has_left_her_group_may_not_record_for_her(sam, helen, photos):
    Membership.objects.filter(user=helen).update(status=Membership.Status.LEFT)
    with pytest.raises(ValidationError):
        services.consent_record(
            member=sam,
            purpose=photos,
            answer=Answer.YES,
            acting_user=helen,
            method=ConsentEvent.Method.IN_PERSON,
            how_she_told_us=HOW,
        )


@pytest.mark.parametrize("method", ["paper", "in_person", "phone"])
def test_her_own_answers_are_given_in_the_portal(sam, photos, method):
    with pytest.raises(ValidationError, match="portal"):
        services.consent_record(
            member=sam, purpose=photos, answer=Answer.YES, acting_user=sam, method=method
        )
    assert not ConsentEvent.objects.exists()


def test_what_she_types_herself_keeps_no_how_she_told_us(sam, photos):
    event = services.consent_record(
        member=sam, purpose=photos, answer=Answer.YES, acting_user=sam, how_she_told_us="x"
    )
    assert ConsentEvent.objects.get(pk=event.pk).how_she_told_us == ""


# --- contributions ---------------------------------------------------------------------


def test_she_adds_a_contribution(sam, group):
    contribution = services.contribution_add(
        member=sam,
        group=group,
        text="  Text reminders the day before.  ",
        kind=Contribution.Kind.IDEA,
        acting_user=sam,
        visibility=Visibility.GROUP,
    )
    stored = Contribution.objects.get(pk=contribution.pk)
    assert stored.text == "Text reminders the day before."
    assert stored.visibility == Visibility.GROUP
    assert stored.recorded_by == sam
    assert raw("consent_contribution", "text", stored.pk).startswith("dk:")
    assert actions(subject_user=sam) == ["contribution.add"]


def test_her_contribution_starts_as_hers_alone(sam, group):
    contribution = services.contribution_add(
        member=sam, group=group, text="An idea.", kind=Contribution.Kind.IDEA, acting_user=sam
    )
    assert contribution.visibility == Visibility.ONLY_ME


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_contribution_is_refused(sam, group, text):
    with pytest.raises(ValidationError):
        services.contribution_add(
            member=sam, group=group, text=text, kind=Contribution.Kind.IDEA, acting_user=sam
        )
    assert not Contribution.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_contribution_to_a_group_she_is_not_in_is_refused(sam):
    with pytest.raises(ValidationError, match="not in this group"):
        services.contribution_add(
            member=sam,
            group=CoproGroupFactory(),
            text="An idea.",
            kind=Contribution.Kind.IDEA,
            acting_user=sam,
        )
    assert not Contribution.objects.exists()


def test_a_contribution_to_a_group_she_left_is_refused(sam, group):
    Membership.objects.filter(user=sam).update(status=Membership.Status.LEFT)
    with pytest.raises(ValidationError):
        services.contribution_add(
            member=sam, group=group, text="An idea.", kind=Contribution.Kind.IDEA, acting_user=sam
        )


def test_a_facilitator_records_one_for_her_and_it_starts_at_only_me(sam, helen, group):
    contribution = services.contribution_add(
        member=sam,
        group=group,
        text="What she said about the waiting room.",
        kind=Contribution.Kind.QUOTE,
        acting_user=helen,
        visibility=Visibility.CREDITED,
    )
    assert contribution.visibility == Visibility.ONLY_ME
    assert contribution.recorded_by == helen
    assert contribution.member == sam
    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.subject_user) == (helen, sam)


@pytest.mark.parametrize("who", ["tom", "dee"])
def test_only_a_facilitator_of_her_group_may_record_one_for_her(request, sam, group, who):
    with pytest.raises(ValidationError):
        services.contribution_add(
            member=sam,
            group=group,
            text="An idea.",
            kind=Contribution.Kind.IDEA,
            acting_user=request.getfixturevalue(who),
        )
    assert not Contribution.objects.exists()


@pytest.fixture
def idea(sam, group):
    return services.contribution_add(
        member=sam, group=group, text="An idea.", kind=Contribution.Kind.IDEA, acting_user=sam
    )


def test_she_changes_who_sees_it(sam, idea):
    services.contribution_set_visibility(
        contribution=idea, visibility=Visibility.FACILITATORS, acting_user=sam
    )
    assert Contribution.objects.get(pk=idea.pk).visibility == Visibility.FACILITATORS
    assert actions() == ["contribution.add", "contribution.visibility"]


def test_setting_the_same_visibility_twice_is_one_change(sam, idea):
    for _ in range(2):
        services.contribution_set_visibility(
            contribution=Contribution.objects.get(pk=idea.pk),
            visibility=Visibility.GROUP,
            acting_user=sam,
        )
    assert actions() == ["contribution.add", "contribution.visibility"]


@pytest.mark.parametrize("who", ["helen", "dee", "maria"])
def test_nobody_else_changes_who_sees_it(request, idea, who):
    with pytest.raises(ValidationError, match="Only she"):
        services.contribution_set_visibility(
            contribution=idea, visibility=Visibility.GROUP, acting_user=request.getfixturevalue(who)
        )
    assert Contribution.objects.get(pk=idea.pk).visibility == Visibility.ONLY_ME
    assert actions() == ["contribution.add"]


def test_a_visibility_that_is_not_a_choice_is_refused(sam, idea):
    with pytest.raises(ValidationError):
        services.contribution_set_visibility(
            contribution=idea, visibility="everyone", acting_user=sam
        )
    assert Contribution.objects.get(pk=idea.pk).visibility == Visibility.ONLY_ME


# --- download my data ------------------------------------------------------------------


def test_asking_twice_while_it_is_prepared_makes_one_export_and_one_task(
    sam, var_dir, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.data_export_request(member=sam, acting_user=sam)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.data_export_request(member=sam, acting_user=sam)
    assert again.pk == first.pk
    assert DataExport.objects.count() == 1
    assert sent_tasks == [("consent.tasks.build_data_export", (first.pk,), {})]
    assert actions(subject_user=sam) == ["data.export_request"]


def test_the_task_is_sent_only_after_the_request_is_committed(
    sam, var_dir, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.data_export_request(member=sam, acting_user=sam)
    assert sent_tasks == []
    assert len(callbacks) == 1


def test_only_she_may_ask_for_her_data(sam, helen, var_dir):
    with pytest.raises(ValidationError):
        services.data_export_request(member=sam, acting_user=helen)
    assert not DataExport.objects.exists()


@pytest.fixture
def rich_sam(sam, group, helen):
    """Sam with something in every part of her download."""
    group_services.profile_update(member=sam, acting_user=sam, preferred_name="Sammy J")
    group_services.support_plan_save(
        member=sam, acting_user=sam, what_helps="Sitting near the door."
    )
    services.contribution_add(
        member=sam,
        group=group,
        text="Let us book by text.",
        kind=Contribution.Kind.IDEA,
        acting_user=sam,
    )
    photos = ConsentPurpose.objects.get(slug="photos")
    services.consent_record(member=sam, purpose=photos, answer=Answer.YES, acting_user=sam)
    services.consent_record(
        member=sam,
        purpose=photos,
        answer=Answer.NO,
        acting_user=helen,
        method=ConsentEvent.Method.PHONE,
        how_she_told_us=HOW,
    )
    return sam


def run(task, *args):
    return task.apply(args=list(args), throw=True).get()


def test_her_download_is_built_once_however_often_the_task_runs(rich_sam, var_dir):
    export = services.data_export_request(member=rich_sam, acting_user=rich_sam)
    run(build_data_export, export.pk)
    run(build_data_export, export.pk)

    files = zips(var_dir)
    assert len(files) == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert export.path == files[0].name
    assert export.ready_at is not None

    with open_zip(files[0]) as archive:
        assert set(archive.namelist()) == {"data.json", "my-data.html"}
        data = json.loads(archive.read("data.json"))
        html = archive.read("my-data.html").decode()

    assert data["profile"]["preferred_name"] == "Sammy J"
    assert data["support_plan"]["what_helps"] == "Sitting near the door."
    assert [c["text"] for c in data["contributions"]] == ["Let us book by text."]
    history = data["choices_history"]
    assert len(history) == 2
    assert {(h["answer"], h["recorded_by"], h["how"]) for h in history} == {
        ("Yes", "you", "In the portal"),
        ("No", "Helen Ward", "On the phone"),
    }
    photos = next(c for c in data["choices"] if c["question"].startswith("May we take photos"))
    assert photos["answer"] == "No"
    assert "consent.record" in {row["what"] for row in data["who_looked_or_changed"]}
    assert "Sammy J" in html
    assert "Sitting near the door." in html


def test_a_download_is_hers_alone(rich_sam, maria, group, var_dir):
    MembershipFactory(user=maria, group=group)
    services.contribution_add(
        member=maria, group=group, text="Maria's own idea.", kind="idea", acting_user=maria
    )
    export = services.data_export_request(member=rich_sam, acting_user=rich_sam)
    run(build_data_export, export.pk)
    with open_zip(zips(var_dir)[0]) as archive:
        content = archive.read("data.json").decode() + archive.read("my-data.html").decode()
    assert "Maria" not in content


def test_building_a_deleted_export_does_nothing(sam, var_dir):
    export = services.data_export_request(member=sam, acting_user=sam)
    DataExport.objects.filter(pk=export.pk).delete()
    run(build_data_export, export.pk)
    assert zips(var_dir) == []


def test_asking_again_once_it_is_ready_replaces_it_when_the_new_one_is_built(sam, var_dir):
    first = services.data_export_request(member=sam, acting_user=sam)
    run(build_data_export, first.pk)
    first_file = zips(var_dir)[0]
    second = services.data_export_request(member=sam, acting_user=sam)
    assert second.pk != first.pk
    assert second.status == DataExport.Status.PENDING
    assert first_file.exists()  # still hers to save while the new one is made
    run(build_data_export, second.pk)
    assert list(DataExport.objects.values_list("pk", flat=True)) == [second.pk]
    assert not first_file.exists()
    assert len(zips(var_dir)) == 1


def test_downloads_are_deleted_after_24_hours(sam, maria, var_dir):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        old = services.data_export_request(member=sam, acting_user=sam)
        run(build_data_export, old.pk)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        recent = services.data_export_request(member=maria, acting_user=maria)
        run(build_data_export, recent.pk)
    old_file, recent_file = (
        var_dir / "exports" / DataExport.objects.get(pk=pk).path for pk in (old.pk, recent.pk)
    )

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 59, tzinfo=dt.UTC), tick=False):
        assert run(expire_data_exports) == 0
    assert old_file.exists()

    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 1, tzinfo=dt.UTC), tick=False):
        assert run(expire_data_exports) == 1
        assert run(expire_data_exports) == 0  # twice, one effect
    assert not old_file.exists()
    assert recent_file.exists()
    assert list(DataExport.objects.values_list("pk", flat=True)) == [recent.pk]


def test_expiry_also_removes_files_no_download_names(sam, var_dir):
    made = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC).timestamp()
    stray, young = (services.export_dir() / f"{name}.zip" for name in ("stray", "young"))
    for path, mtime in ((stray, made), (young, made + 3600)):
        path.write_bytes(b"x")
        os.utime(path, (mtime, mtime))
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC), tick=False):
        run(expire_data_exports)
    assert not stray.exists()
    assert young.exists()  # perhaps a build still writing: only old strays go


# --- erasure: asking, withdrawing, confirming --------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False)
def test_asking_twice_to_be_erased_is_one_request(sam):
    first = services.erasure_request(member=sam, acting_user=sam)
    again = services.erasure_request(member=sam, acting_user=sam)
    assert again.pk == first.pk
    assert ErasureRequest.objects.count() == 1
    assert first.status == ErasureRequest.Status.REQUESTED
    assert first.member_ref == sam.pk
    assert first.stands_at == dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC)
    assert actions() == ["erasure.request"]


def test_only_she_may_ask_to_be_erased(sam, helen):
    with pytest.raises(ValidationError):
        services.erasure_request(member=sam, acting_user=helen)
    assert not ErasureRequest.objects.exists()


def test_she_withdraws_her_request(sam):
    request = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_withdraw(erasure=request, acting_user=sam)
    services.erasure_withdraw(erasure=request, acting_user=sam)
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureRequest.Status.WITHDRAWN
    assert actions() == ["erasure.request", "erasure.withdraw"]
    # She can ask again later: a new request.
    again = services.erasure_request(member=sam, acting_user=sam)
    assert again.pk != request.pk


@pytest.mark.parametrize("who", ["helen", "dee"])
def test_nobody_else_withdraws_it(request, sam, who):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    with pytest.raises(ValidationError):
        services.erasure_withdraw(erasure=erasure, acting_user=request.getfixturevalue(who))
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.REQUESTED


def test_a_confirmed_request_waiting_for_its_date_can_still_be_withdrawn(sam, helen, var_dir):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_confirm(
        erasure=erasure, acting_user=helen, kept_for_legal_reasons="A safeguarding record."
    )
    services.erasure_withdraw(erasure=erasure, acting_user=sam)
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.WITHDRAWN
    assert User.objects.filter(pk=sam.pk).exists()


def test_a_request_carried_out_cannot_be_withdrawn(sam, helen, var_dir):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_confirm(erasure=erasure, acting_user=helen)
    services.erasure_withdraw(erasure=erasure, acting_user=sam)
    assert ErasureRequest.objects.get(pk=erasure.pk).status == ErasureRequest.Status.DONE


def test_a_facilitator_of_her_group_confirms_and_it_is_carried_out(sam, helen, var_dir):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    done = services.erasure_confirm(erasure=erasure, acting_user=helen)
    assert done.status == ErasureRequest.Status.DONE
    assert done.decided_by == helen
    assert done.member is None
    assert not User.objects.filter(pk=sam.pk).exists()
    assert actions() == ["erasure.request", "erasure.confirm", "erasure.done"]


def test_a_reason_to_keep_something_waits_so_she_sees_it_first(sam, helen, group, var_dir):
    with time_machine.travel("2026-11-25 10:00", tick=False):
        erasure = services.erasure_request(member=sam, acting_user=sam)
        confirmed = services.erasure_confirm(
            erasure=erasure, acting_user=helen, kept_for_legal_reasons="  A safeguarding record.  "
        )
    assert confirmed.status == ErasureRequest.Status.CONFIRMED
    assert confirmed.kept_for_legal_reasons == "A safeguarding record."
    assert User.objects.filter(pk=sam.pk).exists()
    assert list(confirmed.groups.all()) == [group]
    with time_machine.travel("2026-12-09 10:01", tick=False):
        assert services.erasures_due() == 1
    done = ErasureRequest.objects.get(pk=erasure.pk)
    assert done.status == ErasureRequest.Status.DONE
    assert done.kept_for_legal_reasons == "A safeguarding record."
    assert not User.objects.filter(pk=sam.pk).exists()


@pytest.mark.parametrize("who", ["tom", "dee", "sam", "maria"])
def test_only_a_facilitator_of_her_group_confirms(request, sam, group, who, var_dir):
    MembershipFactory(user=request.getfixturevalue("maria"), group=group)
    erasure = services.erasure_request(member=sam, acting_user=sam)
    with pytest.raises(ValidationError, match="facilitator of her group"):
        services.erasure_confirm(erasure=erasure, acting_user=request.getfixturevalue(who))
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REQUESTED
    assert erasure.decided_by is None
    assert User.objects.filter(pk=sam.pk).exists()


def test_a_withdrawn_request_cannot_be_confirmed(sam, helen, var_dir):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_withdraw(erasure=erasure, acting_user=sam)
    result = services.erasure_confirm(erasure=erasure, acting_user=helen)
    assert result.status == ErasureRequest.Status.WITHDRAWN
    assert User.objects.filter(pk=sam.pk).exists()
    assert "erasure.confirm" not in actions()


def test_someone_elses_request_is_not_confirmed_by_a_stranger(sam, var_dir):
    stranger = UserFactory()
    erasure = services.erasure_request(member=sam, acting_user=sam)
    with pytest.raises(ValidationError):
        services.erasure_confirm(erasure=erasure, acting_user=stranger)


def test_the_same_form_sent_twice_keeps_one_contribution(sam, group):
    once = uuid.uuid4()
    first = services.contribution_add(
        member=sam, group=group, text="Text first", kind="idea", acting_user=sam, nonce=once
    )
    again = services.contribution_add(
        member=sam, group=group, text="Text first", kind="idea", acting_user=sam, nonce=once
    )
    assert again == first
    assert sam.contributions.count() == 1
    assert actions().count("contribution.add") == 1
    other = services.contribution_add(
        member=sam, group=group, text="Text first", kind="idea", acting_user=sam,
        nonce=uuid.uuid4(),
    )  # fmt: skip
    assert other != first
