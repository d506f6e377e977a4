from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a member of a group, or staff who run and support it.

    E-mail is optional: a member may have none and be reached through her support
    worker, or sign in with a username and password.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        STAFF = "staff", _("Staff")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
            )
        ]

    @property
    def is_member(self) -> bool:
        return self.kind == self.Kind.MEMBER and not (self.is_staff or self.is_superuser)

    @property
    def requires_mfa(self) -> bool:
        """Anyone who sees other people's data must use a second factor."""
        return not self.is_member


class PasswordLink(models.Model):
    """A single-use, expiring link for a member to make a new password, made by staff who
    may see her (for a member with no e-mail to reset by). Only a hash of the token is
    kept; it goes with her account when that is deleted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_links")
    made_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="password_links_made"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Password link #{self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at
