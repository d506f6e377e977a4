from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    """One person's data key, wrapped by the master keys. Deleting it crypto-shreds
    every field encrypted for her. `owner_id` is a plain number, not a foreign key, so
    the platform knows nothing of who the owner is."""

    owner_id = models.BigIntegerField(unique=True)
    wrapped = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Data key #{self.pk}"
