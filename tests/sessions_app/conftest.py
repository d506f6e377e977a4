"""Support fixtures: the Tuesday group of tests/groups/conftest.py (Helen facilitates,
Dee supports Sam, Sam and Maria are members; Tom and Aisha are in the Thursday group),
Sam's safe-contact profile as PEOPLE.md has it, and the memory channels."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduction.outbox.backends import MemoryBackend
from coproduction.outbox.channels import Channel
from groups.models import SafeContactProfile, SupportContact
from tests.groups import conftest as groups_fixtures

organisation = groups_fixtures.organisation
university = groups_fixtures.university
tuesday_group = groups_fixtures.tuesday_group
thursday_group = groups_fixtures.thursday_group
helen_fac = groups_fixtures.helen_fac
dee = groups_fixtures.dee
sam_membership = groups_fixtures.sam_membership
maria_membership = groups_fixtures.maria_membership
tom = groups_fixtures.tom
aisha = groups_fixtures.aisha
ruth = groups_fixtures.ruth


@pytest.fixture(autouse=True)
def memory_channels(settings):
    """Every text and email is kept in memory, so a test counts what went out."""
    settings.HEARTH_OUTBOX_BACKENDS = {
        "email": "coproduction.outbox.backends.MemoryBackend",
        "sms": "coproduction.outbox.backends.MemoryBackend",
        "portal": "coproduction.outbox.backends.PortalBackend",
        "support_worker": "sessions_app.backends.SupportWorkerBackend",
    }
    MemoryBackend.sent.clear()
    yield
    MemoryBackend.sent.clear()


@pytest.fixture
def sam_safe(sam, sam_membership):
    """Sam: texts only, Tuesday to Thursday 10:00–14:00, from "Jo", never the group."""
    return SafeContactProfile.objects.create(
        member=sam,
        channels=[Channel.SMS],
        phone="07700 900123",
        safe_days=[1, 2, 3],
        safe_from=dt.time(10, 0),
        safe_until=dt.time(14, 0),
        sender_name="Jo",
    )


@pytest.fixture
def sam_asks_dee(sam, dee, sam_safe):
    """Sam chose Dee as the one to contact when she asks."""
    return SupportContact.objects.create(
        member=sam, kind=SupportContact.Kind.SUPPORT_WORKER, staff_user=dee
    )
