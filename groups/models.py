from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduction import crypto
from coproduction.core.erasure import phone_digits
from coproduction.crypto.fields import Ciphertext, EncryptedTextField
from coproduction.outbox.channels import Channel


class Organisation(models.Model):
    """A partner in the work: a charity, a university or a GP practice."""

    class Kind(models.TextChoices):
        CHARITY = "charity", _("Charity")
        UNIVERSITY = "university", _("University")
        PRACTICE = "practice", _("GP practice")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    partner_admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_organisations"
    )

    def __str__(self) -> str:
        return self.name


class CoproGroup(models.Model):
    """A co-production group. Members see `member_facing_name`, which can be as
    plain as "Tuesday group", so the portal never names the project to an onlooker."""

    class TrainingPolicy(models.TextChoices):
        WARN = "warn", _("Warn when a facilitator's training is not current")
        BLOCK = "block", _("Do not let a facilitator without current training run a session")

    name = models.CharField("internal name", max_length=200)
    member_facing_name = models.CharField(
        max_length=100, help_text="What members see. Keep it neutral: no health or charity words."
    )
    organisations = models.ManyToManyField(Organisation, related_name="groups")
    training_policy = models.CharField(
        max_length=10, choices=TrainingPolicy.choices, default=TrainingPolicy.WARN
    )
    agenda_days_before = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many days before a session its plan reaches members (1 to 60).",
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "group"

    def __str__(self) -> str:
        return self.name


def staff_around(member):
    """Facilitators and support workers now active in the groups she is currently in."""
    groups = Membership.objects.current().members().filter(user=member).values("group")
    return (
        get_user_model()
        .objects.filter(
            memberships__group__in=groups,
            memberships__role__in=[Membership.Role.FACILITATOR, Membership.Role.SUPPORT_WORKER],
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class MembershipQuerySet(models.QuerySet):
    def members(self) -> MembershipQuerySet:
        return self.filter(role=Membership.Role.MEMBER)

    def staff(self) -> MembershipQuerySet:
        return self.exclude(role=Membership.Role.MEMBER)

    def current(self) -> MembershipQuerySet:
        """Everyone still in the group, stepped back or not."""
        return self.filter(status__in=[Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK])

    def of_member_in_portal(self, user) -> list[Membership]:
        """Her current memberships as a member, each with its group (name and member-facing
        name), the current agreement's id (`agreement_id`) and whether she answered it
        (`agreement_answered`), ordered as her portal lists them.

        Every member page asks this, so it is one hand-written query: through the ORM, its
        `Subquery` and `Exists` cost every member page about a millisecond of compiling,
        more than the query takes to run. Values are parameters; only the models' table
        names are spliced in."""
        tables = {
            "membership": Membership._meta.db_table,
            "group": CoproGroup._meta.db_table,
            "version": AgreementVersion._meta.db_table,
            "response": AgreementResponse._meta.db_table,
        }
        sql = """
            SELECT x.*, EXISTS (
                SELECT 1 FROM {response} r
                WHERE r.member_id = x.user_id AND r.version_id = x.agreement_id
            ) AS agreement_answered
            FROM (
                SELECT m.*, g.name AS group_name, g.member_facing_name AS group_facing_name,
                    (SELECT v.id FROM {version} v
                     WHERE v.group_id = m.group_id AND v.status = %s
                     ORDER BY v.number DESC LIMIT 1) AS agreement_id
                FROM {membership} m JOIN {group} g ON g.id = m.group_id
                WHERE m.user_id = %s AND m.role = %s AND m.status IN (%s, %s)
            ) x
            ORDER BY x.group_facing_name, x.id
        """.format(**tables)  # noqa: S608 (table names from the models; values are parameters)
        memberships = list(
            self.raw(
                sql,
                [
                    AgreementVersion.Status.PUBLISHED,
                    user.pk,
                    Membership.Role.MEMBER,
                    Membership.Status.ACTIVE,
                    Membership.Status.STEPPED_BACK,
                ],
            )
        )
        for membership in memberships:
            membership.group = CoproGroup.from_db(
                self.db,
                ["id", "name", "member_facing_name"],
                [membership.group_id, membership.group_name, membership.group_facing_name],
            )
            # SQLite answers EXISTS with 0 or 1.
            membership.agreement_answered = bool(membership.agreement_answered)
        return memberships

    def with_answer(self, version: AgreementVersion | None) -> MembershipQuerySet:
        """Each membership with `agreement_answer`: her answer to `version` (True agrees,
        False disagrees, None not answered or nothing published)."""
        if version is None:
            return self.annotate(
                agreement_answer=models.Value(None, output_field=models.BooleanField())
            )
        # A join on her one response to `version`, not a subquery per row: it compiles in
        # a fraction of the time, and (version, member) is unique, so rows stay one each.
        return self.annotate(
            version_response=models.FilteredRelation(
                "user__agreement_responses",
                condition=models.Q(user__agreement_responses__version=version),
            ),
            agreement_answer=models.F("version_response__agrees"),
        )


class Membership(models.Model):
    """A person in a group, in one role, with where she is in the group's life."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")
        SUPPORT_WORKER = "support_worker", _("Support worker")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        STEPPED_BACK = "stepped_back", _("Stepped back")
        LEFT = "left", _("Left")

    class LeaveChoice(models.TextChoices):
        KEEP = "keep", _("Keep my information")
        ERASE = "erase", _("Erase my information")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(CoproGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supported_memberships",
        help_text="Her named support worker, who may see what she allows.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    stepped_back_until = models.DateField(null=True, blank=True)
    keep_session_changes_while_away = models.BooleanField(
        default=False, help_text="While stepped back, still hear when a session changes."
    )
    leave_choice = models.CharField(max_length=10, choices=LeaveChoice.choices, blank=True)
    represents_members = models.BooleanField(
        default=False, help_text="A members' representative may check session notes."
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "role"], name="groups_membership_one_role_each"
            )
        ]
        indexes = [models.Index(fields=["group", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_stepped_back(self) -> bool:
        return self.status == self.Status.STEPPED_BACK


def preferred_name(user, default: str = "A member") -> str:
    """The name she chose to be called, else her first name, else `default`: the one rule
    every page, export and report uses to name her."""
    profile = getattr(user, "profile", None)
    return chosen_name(
        profile.preferred_name if profile is not None else "", user.first_name, default
    )


def chosen_name(preferred: str | None, first_name: str, default: str = "A member") -> str:
    """`preferred_name` from the columns alone, for pages built from `values()` rows."""
    return preferred or first_name or default


class Profile(models.Model):
    """How she would like to be known. Only the name is needed; nothing asks her story."""

    class AccessNeed(models.TextChoices):
        INTERPRETER = "interpreter", _("An interpreter")
        STEP_FREE = "step_free", _("Step-free access")
        QUIET_ROOM = "quiet_room", _("A quiet room to take a break")
        LARGE_PRINT = "large_print", _("Large print")
        BREAKS = "breaks", _("Regular breaks")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    preferred_name = models.CharField("the name you want to be called", max_length=60)
    pronouns = EncryptedTextField(blank=True, owner_field="user_id")
    access_needs = models.JSONField(default=list, blank=True)
    access_needs_other = EncryptedTextField(blank=True, owner_field="user_id")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.preferred_name

    def get_access_needs_display(self) -> list[str]:
        return access_needs_display(self.access_needs, self.access_needs_other)


# Looked up once: a roster asks for every member's needs.
ACCESS_NEED_LABELS = {code: str(label) for code, label in Profile.AccessNeed.choices}


def access_needs_display(codes, other: str) -> list[str]:
    """Her access needs in words: the ones she ticked, in her order, then her own words."""
    shown = [ACCESS_NEED_LABELS[code] for code in codes or () if code in ACCESS_NEED_LABELS]
    if other:
        shown.append(other)
    return shown


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def _default_confirm_by() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=90)


class SafeContactProfile(models.Model):
    """How, when and in what words she may be contacted. Enforced by `groups.contact`.

    Starts at the most private: no channel at all ("I'll get in touch"), no voicemail,
    no mention of the group.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safe_contact"
    )
    channels = models.JSONField(default=list, blank=True)
    phone = EncryptedTextField(blank=True, owner_field="member_id")
    # Her number's keyed hash, so a text-message reply finds her without a readable number.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    safe_days = models.JSONField(default=list, blank=True)
    safe_from = models.TimeField(default=dt.time(10, 0))
    safe_until = models.TimeField(default=dt.time(16, 0))
    time_zone = models.CharField(max_length=64, default="Europe/London")
    voicemail_ok = models.BooleanField(default=False)
    sender_name = EncryptedTextField(blank=True, owner_field="member_id")
    may_mention_group = models.BooleanField(default=False)
    reply_word = EncryptedTextField(blank=True, owner_field="member_id")
    confirm_every_days = models.PositiveSmallIntegerField(default=90)
    confirmed_at = models.DateTimeField(default=timezone.now)
    # A note of each change to what she agreed to: opt-in, as nothing arrives unasked.
    wants_receipts = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Safe contact #{self.pk}"

    def save(self, *args, **kwargs):
        hashes_follow(self, (("phone", "phone_hash", international_phone),))
        super().save(*args, **kwargs)

    @property
    def confirm_by(self) -> dt.date:
        return timezone.localdate(self.confirmed_at) + dt.timedelta(days=self.confirm_every_days)

    @property
    def needs_confirming(self) -> bool:
        return timezone.localdate() >= self.confirm_by

    @property
    def i_will_get_in_touch(self) -> bool:
        return not self.channels

    def get_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels[c]) for c in self.channels if c in labels]

    def get_safe_days_display(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [labels[d] for d in sorted(self.safe_days) if d in labels]


class SupportContact(models.Model):
    """Someone she may be put in touch with, and on what terms she chose."""

    class Kind(models.TextChoices):
        SUPPORT_WORKER = "support_worker", _("My support worker")
        SAFEGUARDING_LEAD = "safeguarding_lead", _("The group's safeguarding lead")
        TRUSTED_PERSON = "trusted_person", _("Someone I trust")
        HELPLINE = "helpline", _("A helpline")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_contacts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = EncryptedTextField(blank=True, owner_field="member_id")
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    contact_detail = EncryptedTextField(blank=True, owner_field="member_id")
    contact_if_i_ask = models.BooleanField(default=True)
    contact_if_worried = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.staff_user_id and not self.name:
            return self.staff_user.get_full_name() or self.staff_user.username
        return self.name or self.get_kind_display()


class SupportPlan(models.Model):
    """Her own plan, in her words: what helps, signs she wants others to know, and what
    she would like facilitators to do or not do. Encrypted at rest; who may read it is
    hers to choose (`readers`), and every read by someone else is audited."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_plan"
    )
    what_helps = EncryptedTextField(blank=True, owner_field="member_id")
    signs_to_notice = EncryptedTextField(blank=True, owner_field="member_id")
    please_do = EncryptedTextField(blank=True, owner_field="member_id")
    please_do_not = EncryptedTextField(blank=True, owner_field="member_id")
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="readable_support_plans"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Support plan #{self.pk}"

    @property
    def is_empty(self) -> bool:
        return not any((self.what_helps, self.signs_to_notice, self.please_do, self.please_do_not))


class TrainingQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> TrainingQuerySet:
        on = on or timezone.localdate()
        return self.filter(completed_on__lte=on).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=on)
        )

    def missing_for(self, person_ids, on: dt.date | None = None) -> dict[int, set[str]]:
        """For each person, the required training kinds she lacks a current record of.
        One query for any number of people."""
        have: dict[int, set[str]] = {pk: set() for pk in person_ids}
        for pk, kind in (
            # No ORDER BY: the sets do not care, and the model's ordering costs a sort.
            self.current(on)
            .filter(person_id__in=person_ids)
            .order_by()
            .values_list("person_id", "kind")
        ):
            have[pk].add(kind)
        return {pk: set(Training.REQUIRED_TO_FACILITATE) - kinds for pk, kinds in have.items()}


class Training(models.Model):
    """A facilitator's or support worker's training record (rule 11)."""

    class Kind(models.TextChoices):
        TRAUMA_INFORMED = "trauma_informed", _("Trauma-informed practice")
        SAFEGUARDING = "safeguarding", _("Safeguarding adults and children")
        FACILITATION = "facilitation", _("Facilitation and power dynamics")

    REQUIRED_TO_FACILITATE = frozenset(Kind.values)

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    provider = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "completed_on"], name="groups_training_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.completed_on})"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.completed_on <= on and (self.expires_on is None or self.expires_on >= on)


class AgreementVersionQuerySet(models.QuerySet):
    def current(self) -> AgreementVersion | None:
        """The group's published agreement, the newest if there were several."""
        return self.filter(status=AgreementVersion.Status.PUBLISHED).order_by("-number").first()

    def with_comments(self) -> AgreementVersionQuerySet:
        """Each version with its comments, their authors and the version each was taken into."""
        return self.prefetch_related(
            models.Prefetch(
                "comments",
                queryset=AgreementComment.objects.select_related("author__profile", "taken_into"),
            )
        )

    def with_answer_counts(self, members) -> AgreementVersionQuerySet:
        """Each version with `agreed` and `disagreed`: how many of `members` (a query of
        user ids) answered it each way."""
        return self.annotate(
            agreed=models.Count(
                "responses",
                filter=models.Q(responses__agrees=True, responses__member__in=members),
            ),
            disagreed=models.Count(
                "responses",
                filter=models.Q(responses__agrees=False, responses__member__in=members),
            ),
        )


class AgreementVersion(models.Model):
    """One version of the group agreement (standards of behaviour), written with members."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    group = models.ForeignKey(CoproGroup, on_delete=models.CASCADE, related_name="agreements")
    number = models.PositiveIntegerField()
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="groups_agreement_number")
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.number}"


class AgreementComment(models.Model):
    """A member's comment on, or proposed change to, a draft or the current agreement."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("A comment")
        PROPOSAL = "proposal", _("A change I'd like")

    class Answer(models.TextChoices):
        """The group's answer to a proposal, which she sees on her agreement page."""

        NONE = "", _("Not answered yet")
        TAKEN = "taken", _("Taken into a version")
        NOT_NOW = "not_now", _("Not this time")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = EncryptedTextField(owner_field="author_id")
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(
        max_length=10, choices=Answer.choices, default=Answer.NONE, blank=True
    )
    taken_into = models.ForeignKey(
        AgreementVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals_taken",
    )
    answer_reason = models.TextField(max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on v{self.version_id}"

    @property
    def is_proposal(self) -> bool:
        return self.kind == self.Kind.PROPOSAL


class AgreementResponse(models.Model):
    """Her answer to one published version: agree, or what she disagrees with."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="responses"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_responses"
    )
    agrees = models.BooleanField()
    disagreement = EncryptedTextField(blank=True, owner_field="member_id")
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="groups_one_response_each")
        ]

    def __str__(self) -> str:
        return "Agrees" if self.agrees else "Disagrees"


def normal_email(email: str) -> str:
    """An address as it is compared: trimmed, lower case."""
    return (email or "").strip().lower()


def normal_phone(phone: str) -> str:
    """A number as it is compared: its digits alone, as erasure compares them too."""
    return phone_digits(phone)


def international_phone(phone: str) -> str:
    """A number as a text-message provider writes the sender: digits, with the UK's
    national "0" (or an international "00") as the country code, so "07700 900123" and
    "+44 7700 900123" are one number."""
    digits = phone_digits(phone)
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "44" + digits[1:]
    return digits


def hashes_follow(row, pairs) -> None:
    """Set each keyed hash from its field whenever the field was set in the clear; a
    value still as stored (never read) has not changed, so its hash stands."""
    for field, hash_field, normal in pairs:
        value = row.__dict__.get(field)
        if value is not None and not isinstance(value, Ciphertext):
            setattr(row, hash_field, crypto.keyed_hash(normal(value)))


def new_invitation_key_owner() -> int:
    """A data-key owner for an invitation nobody known has yet: negative, as no person's is."""
    return -1 - secrets.randbelow(2**62)


class InvitationQuerySet(models.QuerySet):
    def to_address(self, *, email: str | None = None, phone: str | None = None):
        """Invitations sent to this e-mail or this phone number, found by their keyed
        hashes (the addresses themselves are stored encrypted)."""
        match = models.Q(pk__in=[])
        if normal_email(email):
            match |= models.Q(email_hash=crypto.keyed_hash(normal_email(email)))
        if normal_phone(phone):
            match |= models.Q(phone_hash=crypto.keyed_hash(normal_phone(phone)))
        return self.filter(match)


class Invitation(models.Model):
    """A single-use, expiring link to join a group. Only a hash of the token is kept.

    The address it went to is encrypted under the data key of `key_owner_id`: the person
    it is for. Before anyone accepts, that is the member already known at that address,
    or else a key of the invitation's own (a negative id, so it can never be a person's);
    accepting it moves it under her own key. Either way, destroying her key shreds it.
    `email_hash` and `phone_hash` let it be found by address (`to_address`)."""

    group = models.ForeignKey(CoproGroup, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    key_owner_id = models.BigIntegerField(null=True, blank=True, editable=False)
    email = EncryptedTextField(blank=True, owner_field="key_owner_id")
    email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(blank=True, owner_field="key_owner_id")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation #{self.pk} to {self.group}"

    def save(self, *args, **kwargs):
        if self.key_owner_id is None:
            self.key_owner_id = new_invitation_key_owner()
        hashes_follow(
            self, (("email", "email_hash", normal_email), ("phone", "phone_hash", normal_phone))
        )
        super().save(*args, **kwargs)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.expires_at
