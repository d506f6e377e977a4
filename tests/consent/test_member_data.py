"""Her data: she downloads everything held about her (a zip made by a task, safe to run
twice), and asks for it to be erased, or changes her mind. Both need a sign-in in the
last ten minutes; after that she is signed out and asked to sign in again."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import Answer, Contribution, DataExport, ErasureRequest
from consent.tasks import build_data_export
from coproduction import crypto
from coproduction.audit.models import AuditEvent
from coproduction.core.dates import day
from coproduction.core.middleware import RETURN_TO_KEY
from tests.consent.conftest import sign_in
from tests.factories import PASSWORD

T = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def html(response) -> str:
    return response.content.decode()


def last_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def ready_export(member, var_dir, name="ready.zip") -> DataExport:
    """A finished download on disk, encrypted as the task does it (without running it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", "{}")
    (services.export_dir() / name).write_bytes(
        crypto.encrypt_bytes_for(member.pk, buffer.getvalue())
    )
    return DataExport.objects.create(
        member=member, status=DataExport.Status.READY, path=name, ready_at=timezone.now()
    )


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


# --- the page -----------------------------------------------------------------------------


def test_my_data_offers_download_and_erase(member_client):
    response = member_client.get(reverse("consent:my_data"))
    assert response.status_code == 200
    page = html(response)
    assert f'action="{reverse("consent:my_data_download_request")}"' in page
    assert "Download my information</button>" in page
    assert f'href="{reverse("consent:my_data_erase")}">Erase my information</a>' in page
    assert "I changed my mind" not in page


def test_my_data_lists_her_downloads_only(member_client, sam, maria, var_dir):
    pending = DataExport.objects.create(member=sam)
    ready = ready_export(sam, var_dir)
    others = ready_export(maria, var_dir, "maria.zip")
    response = member_client.get(reverse("consent:my_data"))
    page = html(response)
    assert [item["export"] for item in response.context["exports"]] == [ready, pending]
    assert "Being prepared" in page and "Come back in a minute." in page
    assert f'href="{reverse("consent:my_data_download", args=[ready.pk])}"' in page
    assert reverse("consent:my_data_download", args=[pending.pk]) not in page
    assert reverse("consent:my_data_download", args=[others.pk]) not in page
    kept_until = timezone.localtime(ready.created_at + services.EXPORT_KEPT_FOR)
    assert f"Ready until {day(kept_until)} at {kept_until:%H:%M}." in page


def test_my_data_shows_her_erasure_request(member_client, sam):
    with time_machine.travel(T, tick=False):
        erasure = services.erasure_request(member=sam, acting_user=sam)
    page = html(member_client.get(reverse("consent:my_data")))
    assert f"You asked us to erase your information on {day(dt.date(2026, 3, 3))}." in page
    assert f"It will happen by <strong>{day(dt.date(2026, 3, 17))}</strong>." in page
    assert "A facilitator may do it sooner." in page
    assert "Where it is now: <strong>Asked for</strong>." in page
    assert f'action="{reverse("consent:my_erase_withdraw", args=[erasure.pk])}"' in page
    assert "I changed my mind</button>" in page
    assert "If we must keep anything by law, we will tell you here" in page
    assert f'href="{reverse("consent:my_data_erase")}"' not in page


def test_my_data_shows_what_must_be_kept_and_why(member_client, sam, helen, helen_fac):
    with time_machine.travel(T, tick=False):
        erasure = services.erasure_request(member=sam, acting_user=sam)
        services.erasure_confirm(
            erasure=erasure,
            acting_user=helen,
            kept_for_legal_reasons="A safeguarding record from May 2026, kept for 6 years by law.",
        )
    page = html(member_client.get(reverse("consent:my_data")))
    assert "What we must keep, and why" in page
    assert "A safeguarding record from May 2026, kept for 6 years by law." in page
    assert (
        "A facilitator has confirmed it. "
        f"It will happen on <strong>{day(dt.date(2026, 3, 17))}</strong>." in (page)
    )
    assert "Where it is now: <strong>Confirmed</strong>." in page
    # Seeing what is kept, she may still change her mind.
    assert f'action="{reverse("consent:my_erase_withdraw", args=[erasure.pk])}"' in page


def test_a_withdrawn_request_is_no_longer_shown(member_client, sam):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_withdraw(erasure=erasure, acting_user=sam)
    page = html(member_client.get(reverse("consent:my_data")))
    assert "You asked us to erase" not in page
    assert f'href="{reverse("consent:my_data_erase")}"' in page


# --- download ------------------------------------------------------------------------------


def test_download_is_made_by_a_task_safe_twice_and_has_her_data(
    fresh_client,
    sam,
    tuesday_group,
    purposes,
    var_dir,
    sent_tasks,
    django_capture_on_commit_callbacks,
):
    services.consent_record(
        member=sam, purpose=purposes["named_credit"], answer=Answer.YES, acting_user=sam
    )
    services.contribution_add(
        member=sam,
        group=tuesday_group,
        text="Reception should not ask why.",
        kind=Contribution.Kind.QUOTE,
        acting_user=sam,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = fresh_client.post(reverse("consent:my_data_download_request"))
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:my_data")
    assert last_message(response) == "We are preparing it. Come back in a minute."
    export = DataExport.objects.get(member=sam)
    assert export.status == DataExport.Status.PENDING
    assert sent_tasks == [("consent.tasks.build_data_export", (export.pk,), {})]

    build_data_export.apply(args=[export.pk])
    build_data_export.apply(args=[export.pk])  # delivered twice: made once
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert [p.name for p in (var_dir / "exports").iterdir()] == [export.path]

    page = html(fresh_client.get(reverse("consent:my_data")))
    assert f'href="{reverse("consent:my_data_download", args=[export.pk])}"' in page

    response = fresh_client.get(reverse("consent:my_data_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="my-information.zip"'
    archive = zip_of(response)
    assert sorted(archive.namelist()) == ["data.json", "my-data.html"]
    data = json.loads(archive.read("data.json"))
    assert data["account"]["username"] == "sam"
    assert data["contributions"][0]["text"] == "Reception should not ask why."
    assert {"question": "May we thank you by name in reports?", "answer": "Yes"}.items() <= next(
        c for c in data["choices"] if c["question"] == "May we thank you by name in reports?"
    ).items()
    readable = archive.read("my-data.html").decode()
    assert "Reception should not ask why." in readable
    assert "<h1>Your information</h1>" in readable
    assert AuditEvent.objects.filter(
        action="data.export_download", subject_user=sam, actor=sam, subject_id=str(export.pk)
    ).exists()


def test_asking_twice_while_it_is_made_makes_one(
    fresh_client, sam, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fresh_client.post(reverse("consent:my_data_download_request"))
        fresh_client.post(reverse("consent:my_data_download_request"))
    assert DataExport.objects.filter(member=sam).count() == 1
    assert len(sent_tasks) == 1


def test_a_download_not_ready_is_404(fresh_client, sam):
    pending = DataExport.objects.create(member=sam)
    failed = DataExport.objects.create(member=sam, status=DataExport.Status.FAILED)
    for export in (pending, failed):
        response = fresh_client.get(reverse("consent:my_data_download", args=[export.pk]))
        assert response.status_code == 404


def test_a_download_whose_file_is_gone_is_404(fresh_client, sam, var_dir):
    export = ready_export(sam, var_dir)
    (var_dir / "exports" / export.path).unlink()
    assert (
        fresh_client.get(reverse("consent:my_data_download", args=[export.pk])).status_code == 404
    )
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


def test_someone_elses_download_is_404(client, sam, sam_membership, maria, var_dir):
    export = ready_export(sam, var_dir)
    sign_in(client, maria)
    assert client.get(reverse("consent:my_data_download", args=[export.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


# --- erase ---------------------------------------------------------------------------------


def test_erase_explains_in_plain_words(client, sam, sam_membership):
    with time_machine.travel(T, tick=False):
        sign_in(client, sam)
        response = client.get(reverse("consent:my_data_erase"))
    assert response.status_code == 200
    page = html(response)
    for words in (
        "We erase your details, how to contact you, your support plan, your choices "
        "and the things you said.",
        "Your account is closed. You cannot sign in any more.",
        f"It happens by <strong>{day(dt.date(2026, 3, 17))}</strong>. "
        "A facilitator may do it sooner.",
        "Until it happens, you can change your mind.",
        "If we must keep anything by law, we will tell you what it is and why",
        "You do not need to say why.",
    ):
        assert words in page, words
    assert 'name="confirm"' in page
    assert "checked" not in page
    assert f'href="{reverse("consent:my_data")}#download"' in page


def test_erase_needs_the_tick(fresh_client, sam):
    response = fresh_client.post(reverse("consent:my_data_erase"), {})
    assert response.status_code == 200
    assert 'role="alert"' in html(response)
    assert "Tick the box to say you want this." in html(response)
    assert not ErasureRequest.objects.exists()


def test_erase_asks_for_it(fresh_client, sam):
    now = timezone.now()
    response = fresh_client.post(reverse("consent:my_data_erase"), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:my_data")
    erasure = ErasureRequest.objects.get()
    assert (erasure.member, erasure.member_ref, erasure.status) == (
        sam,
        sam.pk,
        ErasureRequest.Status.REQUESTED,
    )
    assert abs(erasure.stands_at - (now + services.ERASURE_STANDS_AFTER)) < dt.timedelta(minutes=1)
    when = day(erasure.stands_at)
    assert last_message(response) == (
        f"We have your request. Your information will be erased by {when}. "
        "You can change your mind until then."
    )
    assert AuditEvent.objects.filter(action="erasure.request", subject_user=sam).count() == 1
    sam.refresh_from_db()  # nothing is erased yet
    assert sam.is_active


def test_asking_twice_keeps_one_request(fresh_client, sam):
    fresh_client.post(reverse("consent:my_data_erase"), {"confirm": "on"})
    response = fresh_client.post(reverse("consent:my_data_erase"), {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1
    assert response.status_code == 200
    assert "You have already asked." in html(response)


def test_erase_page_when_she_has_asked(fresh_client, sam):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    page = html(fresh_client.get(reverse("consent:my_data_erase")))
    when = day(erasure.stands_at)
    assert f"You have already asked. It will happen by {when}." in page
    assert 'name="confirm"' not in page


def test_she_changes_her_mind(member_client, sam):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    url = reverse("consent:my_erase_withdraw", args=[erasure.pk])
    response = member_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:my_data")
    assert last_message(response) == "You changed your mind. Nothing will be erased."
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.WITHDRAWN
    # Twice is once.
    member_client.post(url)
    assert AuditEvent.objects.filter(action="erasure.withdraw").count() == 1


def test_she_may_change_her_mind_after_a_confirmation(member_client, sam, helen, helen_fac):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    services.erasure_confirm(
        erasure=erasure, acting_user=helen, kept_for_legal_reasons="A safeguarding record."
    )
    response = member_client.post(reverse("consent:my_erase_withdraw", args=[erasure.pk]))
    assert last_message(response) == "You changed your mind. Nothing will be erased."
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.WITHDRAWN


def test_a_request_carried_out_cannot_be_called_off(member_client, sam):
    """(Once done her account is gone; this is the message should she reach it.)"""
    erasure = services.erasure_request(member=sam, acting_user=sam)
    ErasureRequest.objects.filter(pk=erasure.pk).update(status=ErasureRequest.Status.DONE)
    response = member_client.post(reverse("consent:my_erase_withdraw", args=[erasure.pk]))
    assert response.status_code == 302
    assert last_message(response) == "This request can no longer be called off."
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE


def test_someone_elses_request_is_404(client, sam, sam_membership, maria, maria_membership):
    erasure = services.erasure_request(member=sam, acting_user=sam)
    client.force_login(maria)
    response = client.post(reverse("consent:my_erase_withdraw", args=[erasure.pk]))
    assert response.status_code == 404
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.REQUESTED


# --- a fresh sign-in ----------------------------------------------------------------------

# (method, url name, needs a ready export, the page the form is on: where she comes back)
FRESH_URLS = [
    ("get", "consent:my_data_download", True, None),
    ("post", "consent:my_data_download_request", False, "consent:my_data"),
    ("get", "consent:my_data_erase", False, None),
    ("post", "consent:my_data_erase", False, "consent:my_data_erase"),
]
FRESH_IDS = ["download", "download_request", "erase_page", "erase_post"]


@pytest.fixture
def fresh_url(sam, var_dir):
    def make(name: str, needs_export: bool) -> str:
        if needs_export:
            return reverse(name, args=[ready_export(sam, var_dir).pk])
        return reverse(name)

    return make


def ask(client, method: str, url: str, form_page: str | None):
    if method == "get":
        return client.get(url)
    return client.post(
        url, {"confirm": "on"}, HTTP_REFERER=f"http://testserver{reverse(form_page)}"
    )


@pytest.mark.parametrize(("method", "name", "needs_export", "form_page"), FRESH_URLS, ids=FRESH_IDS)
def test_after_ten_minutes_she_signs_in_again(
    client, sam, sam_membership, fresh_url, sent_tasks, method, name, needs_export, form_page
):
    url = fresh_url(name, needs_export)
    with time_machine.travel(T, tick=False):
        sign_in(client, sam)
    with time_machine.travel(T + dt.timedelta(minutes=5), tick=False):
        # Using other pages does not make her sign-in any fresher.
        assert client.get(reverse("consent:my_data")).status_code == 200
    with time_machine.travel(T + dt.timedelta(minutes=11), tick=False):
        response = ask(client, method, url, form_page)
        assert "_auth_user_id" not in client.session
        back = url if method == "get" else reverse(form_page)
        # The page she was on stays out of the address bar, kept for after she signs in.
        assert client.session[RETURN_TO_KEY] == back
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert last_message(response) == "For your safety, please sign in again to do this."
    assert not ErasureRequest.objects.exists()
    assert not DataExport.objects.filter(status=DataExport.Status.PENDING).exists()
    assert sent_tasks == []
    assert not AuditEvent.objects.filter(action="data.export_download").exists()


@pytest.mark.parametrize(("method", "name", "needs_export", "form_page"), FRESH_URLS, ids=FRESH_IDS)
def test_within_ten_minutes_it_works(
    client, sam, sam_membership, fresh_url, method, name, needs_export, form_page
):
    url = fresh_url(name, needs_export)
    with time_machine.travel(T, tick=False):
        sign_in(client, sam)
    with time_machine.travel(T + dt.timedelta(minutes=9), tick=False):
        response = ask(client, method, url, form_page)
        assert int(client.session["_auth_user_id"]) == sam.pk
    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("consent:my_data")
        assert ErasureRequest.objects.exists() or DataExport.objects.exists()


def test_a_session_that_never_signed_in_by_form_is_not_fresh(member_client, sam, var_dir):
    """force_login leaves no record of a sign-in: nothing to count from."""
    export = ready_export(sam, var_dir)
    url = reverse("consent:my_data_download", args=[export.pk])
    response = member_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_in_again_returns_her_to_the_download(client, sam, sam_membership, var_dir):
    export = ready_export(sam, var_dir)
    url = reverse("consent:my_data_download", args=[export.pk])
    with time_machine.travel(T, tick=False):
        sign_in(client, sam)
    with time_machine.travel(T + dt.timedelta(minutes=11), tick=False):
        login = client.get(url)["Location"]
        response = client.post(login, {"login": "sam", "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(response["Location"])["Location"] == url
        response = client.get(url)
    assert response.status_code == 200
    assert zip_of(response).namelist() == ["data.json"]


def test_signing_in_again_to_erase_returns_her_to_the_erase_page(client, sam, sam_membership):
    url = reverse("consent:my_data_erase")
    with time_machine.travel(T, tick=False):
        sign_in(client, sam)
    with time_machine.travel(T + dt.timedelta(minutes=11), tick=False):
        login = ask(client, "post", url, "consent:my_data_erase")["Location"]
        response = client.post(login, {"login": "sam", "password": PASSWORD})
        assert client.get(response["Location"])["Location"] == url
        response = client.get(url)
    assert response.status_code == 200
    assert 'name="confirm"' in html(response)
    assert not ErasureRequest.objects.exists()
