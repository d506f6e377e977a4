from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.module_loading import import_string


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the heartbeat task; /healthz/ reports its age."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class BrowserSession(AbstractBaseSession):
    """A browser's session, indexed by the person it belongs to, so that ending one
    person's sessions (at erasure) reads her rows alone and never decodes anyone
    else's. `person_id` is a plain number, kept up to date at every save by
    `coproduction.core.sessions.SessionStore`."""

    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        # The configured engine (`coproduction.core.sessions`), by name: that module imports
        # this one, and two modules never import each other.
        return import_string(f"{settings.SESSION_ENGINE}.SessionStore")
