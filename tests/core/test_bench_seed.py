"""The page bench's seed, sign-in and query counts at a tiny size, so the bench cannot rot
while nobody runs it (the timing part needs gunicorn and wrk: `make bench`)."""

import pytest

from bench import prepare, seed
from consent.models import ConsentEvent, CurrentAnswer
from coproduction.accounts.models import User
from coproduction.crypto.models import DataKey
from groups.models import AgreementVersion, Membership, Profile, SafeContactProfile, Training
from tests.conftest import ensure_purposes

TINY = seed.Plan("tiny", (seed.GroupPlan(members=6, events_per_member=12), seed.GroupPlan(3, 2)))

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    ensure_purposes()
    return seed.seed(TINY)


def test_the_seed_writes_what_the_plan_says(seeded):
    assert seeded.counts == {
        "groups": 2,
        "members": 9,
        "staff": 3,
        "memberships": 9 + 2 * 3,
        "consent events": 6 * 12 + 3 * 2,
    }
    assert ConsentEvent.objects.count() == 6 * 12 + 3 * 2
    members = User.objects.filter(kind=User.Kind.MEMBER)
    assert Profile.objects.count() == SafeContactProfile.objects.count() == 9
    # Each person's fields are under her own data key, and read back through the model.
    assert DataKey.objects.count() == 9
    for contact in SafeContactProfile.objects.exclude(phone=""):
        assert contact.phone.startswith("07700 9")
    assert Training.objects.count() == 3 * 3
    assert AgreementVersion.objects.filter(status=AgreementVersion.Status.PUBLISHED).count() == 2
    assert Membership.objects.members().filter(user__in=members).count() == 9
    # The ledger's order is time order for each member: the highest id is her latest.
    for member in members:
        times = list(ConsentEvent.objects.filter(member=member).order_by("id").values_list("at"))
        assert times == sorted(times)
    # Her current answers are filled from the ledger, one per purpose she answered.
    answered = ConsentEvent.objects.values("member_id", "purpose_id").distinct().count()
    assert CurrentAnswer.objects.count() == answered


def test_signed_in_pages_answer_and_are_counted(seeded, settings):
    settings.ROOT_URLCONF = "bench.urls"
    settings.HEARTH_REQUIRE_MFA = True
    clients = {
        "member": prepare.sign_in(prepare.new_client(), seeded.member.username),
        "staff": prepare.sign_in(
            prepare.new_client(), seeded.facilitator.username, seeded.totp_secret
        ),
    }
    pages = prepare.pages_for("full", seeded)
    # Raises unless every page answers 200 with its word (so the staff session passed MFA).
    prepare.count_queries(pages, clients)
    for client in clients.values():
        cookies = prepare.cookie_header(client)
        assert "sessionid=" in cookies and "csrftoken=" in cookies
    assert [page.name for page in pages] == [
        "bare view",
        "member home",
        "her choices",
        "staff home",
        "roster",
        "group consent page",
    ]
    assert all(page.queries and page.queries > 0 for page in pages)
    assert "by own time" in prepare.profile(pages[-1], clients["staff"])


def test_a_staff_sign_in_without_her_second_factor_fails(seeded):
    with pytest.raises(prepare.SignInFailed):
        prepare.sign_in(prepare.new_client(), seeded.facilitator.username)
