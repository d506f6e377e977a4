"""The platform's own erasure steps: her sessions and any scheduled task about her."""

from __future__ import annotations

import inspect
import json
import re

from coproduction.core import erasure
from coproduction.core.sessions import sessions_end

# The names by which a task takes a person's id (tasks take ids, never objects).
PERSON_PARAMETERS = frozenset({"member_id", "user_id", "person_id"})


@erasure.step("core.sessions", order=erasure.FIND_BY_ADDRESS)
def end_sessions(person: erasure.Person) -> None:
    """Sign her out everywhere, and end any sign-in or password reset under way."""
    sessions_end(person_id=person.pk)


def _parameters(task_name: str) -> list[str]:
    from celery import current_app

    task = current_app.tasks.get(task_name)
    if task is None:
        return []
    return list(inspect.signature(task.run).parameters)


def _is_about(periodic_task, person: erasure.Person) -> bool:
    try:
        args = json.loads(periodic_task.args or "[]")
        kwargs = json.loads(periodic_task.kwargs or "{}")
    except ValueError:
        args, kwargs = [], {}
    named = dict(zip(_parameters(periodic_task.task), args, strict=False))
    if isinstance(kwargs, dict):
        named.update(kwargs)
    if any(
        key in PERSON_PARAMETERS and str(value) == str(person.pk) for key, value in named.items()
    ):
        return True
    text = " ".join(
        [periodic_task.name, periodic_task.description, periodic_task.args, periodic_task.kwargs]
    ).lower()
    packed = re.sub(r"[\s().-]", "", text)
    return any(email in text for email in person.emails) or any(
        phone in packed for phone in person.phones
    )


@erasure.step("celery_beat.periodic_tasks", order=erasure.FIND_BY_ADDRESS)
def forget_periodic_tasks(person: erasure.Person) -> None:
    """Delete any scheduled task that takes her id, or names her address or phone.
    django-celery-beat's rows are few (one per schedule), so each is read."""
    from django_celery_beat.models import PeriodicTask

    hers = [task.pk for task in PeriodicTask.objects.all() if _is_about(task, person)]
    PeriodicTask.objects.filter(pk__in=hers).delete()
