"""The outbox's tasks: each takes ids and calls a service, and is safe to run twice."""

from celery import shared_task

from coproduction.outbox import services


@shared_task
def deliver(message_id: int) -> str | None:
    """Send one message if it is due and still waiting (a second run finds it claimed)."""
    return services.message_deliver(message_id=message_id)


@shared_task
def deliver_batch(message_ids: list[int]) -> int:
    """Send each of up to `services.BATCH` messages that is due and still waiting, and
    return how many this run sent or settled (a second run finds them claimed: 0)."""
    return len(services.messages_deliver(message_ids=message_ids))


@shared_task
def sweep() -> int:
    """Every minute: hand due messages to workers in batches, and take back half-sent ones."""
    due = services.due_sweep()
    services.messages_hand_over(message_ids=due)
    return len(due)
