from celery import shared_task

from groups.services import memberships_return_due


@shared_task
def return_stepped_back_members() -> int:
    """Bring back members whose chosen break has ended. Safe to run twice: a member
    already back is not stepped back any more, so the second run finds nobody."""
    return memberships_return_due()
