from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduction.crypto.fields import EncryptedTextField
from groups.models import CoproGroup, SafeContactProfile


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ASK = "ask", _("Ask me each time")


class ConsentPurpose(models.Model):
    """Something a member may agree to. Its wording lives in versioned `ConsentText`s."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    # Slugs that name what a page is about, spelled neutrally wherever they would show in
    # her address bar or history (paths and #fragments).
    NEUTRAL_SLUGS = {"checkins_seen_by_support_worker": "checkins_seen_by_worker"}

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def address_slug(self) -> str:
        """The slug as it may appear in her address bar."""
        return self.NEUTRAL_SLUGS.get(self.slug, self.slug)


class ConsentText(models.Model):
    """One wording of a purpose. A new wording is a new version, never an edit, so every
    answer stays tied to the words she actually saw."""

    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="texts")
    version = models.PositiveIntegerField()
    question = models.CharField(max_length=200)
    explanation = models.TextField(help_text="What this means, in plain words.")
    # Staff-facing wordings of this version, for the table of everyone's answers: a
    # column heading, and what a yes means after "3 members ...". Blank keeps the last
    # version's (or, for the heading, the question).
    short_label = models.CharField(
        max_length=60, blank=True, help_text="A short column heading for staff, e.g. “Photos”."
    )
    agreed_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="What a yes means, after “3 members”, e.g. “agreed to be photographed”.",
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version")
        ]

    def __str__(self) -> str:
        return f"{self.purpose.slug} v{self.version}"


def _person_without_constraint(**options) -> models.ForeignKey:
    """A reference to a person that outlives her account: no database constraint, and
    nothing done when her account is deleted, so the ledger keeps facts about no one."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        **options,
    )


class ConsentEvent(models.Model):
    """One answer, as given: the append-only ledger from which current choices derive.
    Never updated or deleted (database triggers). References carry no constraint, so
    erasing her account leaves the ledger as facts about no one."""

    class Method(models.TextChoices):
        PORTAL = "portal", _("In the portal")
        PAPER = "paper", _("On paper")
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("On the phone")

    member = _person_without_constraint()
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="+")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=5, choices=Answer.choices)
    recorded_by = _person_without_constraint(null=True)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PORTAL)
    how_she_told_us = EncryptedTextField(blank=True, owner_field="member_id")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["member", "purpose", "-id"])]

    def __str__(self) -> str:
        return f"{self.purpose_id}: {self.answer} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def on_behalf(self) -> bool:
        return self.recorded_by_id is not None and self.recorded_by_id != self.member_id


class CurrentAnswer(models.Model):
    """Her current answer to one purpose: a projection of the ledger, one row per member
    and purpose however long her history, so that pages read what they show and not
    every event she ever gave. The ledger stays the source of truth: `consent_record`
    writes this row in the transaction that appends the event, and
    `consent.projection.rebuild` recomputes it from the ledger."""

    member = _person_without_constraint()
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="+")
    # The ledger refuses deletes itself (a trigger), so the ORM leaves that to it.
    event = models.ForeignKey(ConsentEvent, on_delete=models.DO_NOTHING, related_name="+")
    answer = models.CharField(max_length=5, choices=Answer.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "purpose"], name="consent_current_answer")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.purpose_id}: {self.answer}"


class Visibility(models.TextChoices):
    ONLY_ME = "only_me", _("Only me")
    FACILITATORS = "facilitators", _("The facilitators")
    GROUP = "group", _("The group")
    ANONYMISED = "anonymised", _("Used in reports without my name")
    CREDITED = "credited", _("Used in reports with my name")


class Contribution(models.Model):
    """An idea, quote or comment she gave, with who may see it set by her."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("An idea")
        QUOTE = "quote", _("Something I said")
        COMMENT = "comment", _("A comment")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions"
    )
    group = models.ForeignKey(CoproGroup, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IDEA)
    text = EncryptedTextField(owner_field="member_id")
    visibility = models.CharField(
        max_length=15, choices=Visibility.choices, default=Visibility.ONLY_ME
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    visibility_changed_at = models.DateTimeField(default=timezone.now)
    nonce = models.UUIDField(
        null=True, blank=True, editable=False, help_text="The form it came from, sent once."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "nonce"], name="consent_contribution_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class DataExport(models.Model):
    """'Download my data': a zip built by a task, for her alone, for a few days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be made")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.status})"


class ErasureRequest(models.Model):
    """'Erase my data'. A facilitator confirms it, or it stands when `stands_at` passes.
    A confirmation that records something kept for a legal reason waits for `stands_at`,
    so she sees that reason first. After erasure only this tombstone remains: a number,
    dates and the reason, no name."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked for")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    member_ref = models.BigIntegerField(help_text="Her account number, kept after erasure.")
    groups = models.ManyToManyField(
        CoproGroup,
        blank=True,
        related_name="erasure_requests",
        help_text="The groups she was in when she asked: where the request is shown.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    stands_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kept_for_legal_reasons = models.TextField(
        blank=True,
        help_text="What must be kept and why (e.g. a safeguarding record). She is shown this. "
        "Describe the record, never its content or her name.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Erasure request #{self.pk} ({self.status})"


class ContactSharedWithCharity(SafeContactProfile):
    """Members' contact details as the partner charity may see them: only of members who
    said yes to sharing them with the charity (the admin filters through consent.policy)."""

    class Meta:
        proxy = True
        verbose_name = "contact shared with the charity"
        verbose_name_plural = "contacts shared with the charity"
