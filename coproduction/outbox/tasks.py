"""The outbox's tasks: each takes ids and calls a service, and is safe to run twice."""

from celery import shared_task

from coproduction.outbox import services


@shared_task
def deliver(message_id: int) -> str | None:
    """Send one message if it is due and still waiting (a second run finds it claimed)."""
    return services.message_deliver(message_id=message_id)


@shared_task
def sweep() -> int:
    """Every minute: hand each due message to a worker, and take back half-sent ones."""
    due = services.due_sweep()
    for message_id in due:
        deliver.delay(message_id)
    return len(due)
