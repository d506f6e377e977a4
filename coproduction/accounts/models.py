from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who signs in: a member of a group, or staff who run and support it.

    E-mail is optional: a member may have none and be reached through her support
    worker, or sign in with a username and password.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        STAFF = "staff", "Staff"

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
