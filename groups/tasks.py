from celery import shared_task

from groups import notices
from groups.services import memberships_return_due


@shared_task
def return_stepped_back_members() -> int:
    """Bring back members whose chosen break has ended. Safe to run twice: a member
    already back is not stepped back any more, so the second run finds nobody."""
    return memberships_return_due()


@shared_task
def ask_members_to_check_contact_choices() -> int:
    """Ask each member whose contact choices are due for checking to look at them (daily).
    Safe to run twice: each is asked once per due date, by its message's key."""
    return notices.contact_checks_queue()
