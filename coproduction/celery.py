"""The Celery application: configured from Django settings (CELERY_*), tasks found in apps."""

import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduction.settings")

app = Celery("coproduction")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def drop_unusable_connections(sender=None, **kwargs) -> None:
    """After each task in a worker, close a database connection that an error left
    unusable or that is older than CONN_MAX_AGE, as Django does after each request.
    Celery's own fixup closes it only every CELERY_DB_REUSE_MAX tasks (settings.py says
    why). A task run in the caller's process (`apply`) keeps the caller's connection."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
