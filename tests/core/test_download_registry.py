"""The one list of download sections: each app contributes what it holds of her, her
download shows every section, and a model holding her data without a section fails."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from consent.export import export_zip_bytes
from coproduction.accounts.models import User
from coproduction.core import download

# Models that hold a person's id but are not her data to download, and why.
NOT_HERS_TO_DOWNLOAD = {
    "account.EmailAddress": "her address is in the account section",
    "mfa.Authenticator": "second-factor secrets: staff only, never handed out",
    "accounts.PasswordLink": "a one-time link staff make, gone once used",
    "admin.LogEntry": "what partner admins did in the admin site",
    "groups.CoproGroup": "the group's safeguarding lead is staff",
    "sessions_app.StaffReminderChoice": "a member of staff's own reminder setting, on her page",
    "groups.Training": "staff training records",
    "groups.AgreementVersion": "a wording a facilitator wrote",
    "groups.Invitation": "staff's invitation, gone once she joins",
    "consent.DataExport": "the download itself",
    "consent.ErasureRequest": "shown on her data page, and kept after erasure as a number",
    "sessions_app.SessionSeries": "a facilitator's plan of dates",
    "sessions_app.GroupSession": "the group's session: staff run it",
    "sessions_app.SessionChange": "what a facilitator changed in a session",
    "sessions_app.SessionNote": "the group's note: what she said is in her contributions",
    "sessions_app.ServiceChange": "what the group changed in services",
}


def models_holding_a_person() -> set[str]:
    """Every concrete model that is a person or names one by a foreign key."""
    found = {User._meta.label}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        if any(f.is_relation and f.related_model is User for f in model._meta.concrete_fields):
            found.add(model._meta.label)
    return found


def uncovered() -> set[str]:
    """Models holding a person that no section reads and no reason leaves out."""
    covered = {model._meta.label for s in download.sections() for model in s.covers}
    return models_holding_a_person() - covered - set(NOT_HERS_TO_DOWNLOAD)


@pytest.fixture
def registry(monkeypatch):
    """A copy of the apps' sections to change, leaving the real list as it was."""
    monkeypatch.setattr(download, "_sections", dict(download._sections))


def test_every_app_contributes_its_sections_in_order():
    assert [s.key for s in download.sections()] == [
        "account",
        "profile",
        "how_you_may_be_contacted",
        "support_contacts",
        "support_plan",
        "check_ins",
        "support_requests",
        "passed_on",
        "groups",
        "sessions",
        "group_agreement",
        "choices",
        "choices_history",
        "contributions",
        "messages",
        "who_looked_or_changed",
    ]


def test_every_model_holding_her_data_has_a_section(db):
    assert uncovered() == set()
    # A reason given for a model that no longer exists, or now has a section, is stale.
    covered = {model._meta.label for s in download.sections() for model in s.covers}
    assert set(NOT_HERS_TO_DOWNLOAD) <= models_holding_a_person() - covered


def test_a_model_without_its_section_fails_the_coverage_check(db, registry):
    del download._sections["support_plan"]
    assert uncovered() == {"groups.SupportPlan"}


def test_two_sections_cannot_share_a_key(registry):
    @download.section("same", "Same", order=1)
    def one(member):
        return None

    with pytest.raises(ImproperlyConfigured):

        @download.section("same", "Other", order=2)
        def other(member):
            return None


def test_every_registered_section_appears_in_her_download(sam, registry):
    @download.section("zz_new", "A new section", order=download.TRAIL + 1)
    def new_section(member):
        return [{"what": f"about {member.username}"}]

    archive = zipfile.ZipFile(io.BytesIO(export_zip_bytes(sam)))
    data = json.loads(archive.read("data.json"))
    page = archive.read("my-data.html").decode()
    assert list(data) == ["made_on", *(s.key for s in download.sections())]
    assert data["zz_new"] == [{"what": "about sam"}]
    for each in download.sections():
        assert f"<h2>{each.title}</h2>" in page
    assert "<dd>about sam</dd>" in page
