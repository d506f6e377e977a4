from celery import shared_task
from django.utils import timezone

from coproduction.core.models import WorkerHeartbeat


@shared_task
def heartbeat(name: str = "worker") -> None:
    """Record that a worker is alive. An upsert: running it twice leaves one row."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
