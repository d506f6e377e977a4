"""What the member portal's support pages read: her own plan, check-ins and requests."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groups.models import SupportContact
from sessions_app.models import CheckIn, SupportRequest


def open_checkin(member) -> CheckIn | None:
    """Her latest check-in that reached her and that she has not answered yet."""
    return CheckIn.objects.open().filter(member=member).select_related("plan").first()


def open_request(member) -> SupportRequest | None:
    return (
        SupportRequest.objects.open()
        .filter(member=member)
        .select_related("contact__staff_user")
        .first()
    )


def who_hears(contact: SupportContact | None) -> dict:
    """What she is told about who hears of her request: a staff member she chose by name;
    someone outside Hearth with how to reach them (Hearth does not contact them)."""
    if contact is None:
        return {
            "told": _("We will tell your support worker, or the group's facilitators."),
            "outside": None,
        }
    if contact.staff_user_id is not None:
        return {
            "told": _("We will tell %(name)s. They will contact you the way you chose.")
            % {"name": contact.display_name},
            "outside": None,
        }
    return {
        "told": _("You said you would like to talk to %(name)s. Here is how to reach them.")
        % {"name": contact.display_name},
        "outside": contact,
    }
