from django.conf import settings
from django.db import models
from django.utils import timezone

from coproduction.crypto.fields import EncryptedTextField


class Organisation(models.Model):
    """A partner in the work: a charity, a university or a GP practice."""

    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        UNIVERSITY = "university", "University"
        PRACTICE = "practice", "GP practice"
        OTHER = "other", "Other"

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

    name = models.CharField("internal name", max_length=200)
    member_facing_name = models.CharField(
        max_length=100, help_text="What members see. Keep it neutral: no health or charity words."
    )
    organisations = models.ManyToManyField(Organisation, related_name="groups")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "group"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person in a group, in one role, with where she is in the group's life."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"
        SUPPORT_WORKER = "support_worker", "Support worker"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        STEPPED_BACK = "stepped_back", "Stepped back"
        LEFT = "left", "Left"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(CoproGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "role"], name="groups_membership_one_role_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class SupportPlan(models.Model):
    """Her own plan, in her words: what helps, signs she wants others to know, and what
    she would like facilitators to do or not do. Encrypted at rest; who may read it is
    hers to choose, and every read is audited."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_plan"
    )
    what_helps = EncryptedTextField(blank=True)
    signs_to_notice = EncryptedTextField(blank=True)
    please_do = EncryptedTextField(blank=True)
    please_do_not = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Support plan #{self.pk}"
