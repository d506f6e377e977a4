from django.db import models


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the heartbeat task; /healthz/ reports its age."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
