"""What the member portal's support pages read: her own plan, check-ins and requests."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.services import EXPORT_KEPT_FOR
from coproduction.core import dates
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups import notices
from groups.models import SupportContact
from sessions_app.models import CheckIn, SupportRequest

# A note of a changed answer stays on her home page this long. The other notices her home
# page shows as long as they are true (an agreement to read, choices to check), from the
# state itself; a download, as long as it is kept.
RECEIPT_SHOWN_FOR = dt.timedelta(days=7)
SHOWN_AT_MOST = 20


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


def portal_notices(member, *, now: dt.datetime | None = None) -> list[dict]:
    """The notes on her home page the outbox left for her there: a change to her
    choices (for a week) and her download ready (while it is kept), newest first, each
    one sentence and one button, as her home page's other items. One query."""
    now = now or timezone.now()
    sent = (
        Message.objects.filter(recipient=member, channel=Channel.PORTAL, status=Message.Status.SENT)
        .filter(
            Q(kind=notices.CONSENT_RECEIPT, sent_at__gte=now - RECEIPT_SHOWN_FOR)
            | Q(kind=notices.EXPORT_READY, sent_at__gte=now - EXPORT_KEPT_FOR)
        )
        .order_by("-sent_at")
        .values_list("kind", "sent_at")
    )
    # The newest of each kind: ten changes in a week are one note.
    newest = dict(reversed(sent[:SHOWN_AT_MOST]))
    items = []
    for kind, sent_at in sorted(newest.items(), key=lambda item: item[1], reverse=True):
        if kind == notices.EXPORT_READY:
            items.append(
                {
                    "text": _("Your download is ready."),
                    "label": _("Get your download"),
                    "url": reverse("consent:my_data"),
                }
            )
        else:
            items.append(
                {
                    "text": _("One of your choices changed on %(day)s. Was that you?")
                    % {"day": dates.day(sent_at, short=True)},
                    "label": _("See your choices"),
                    "url": reverse("consent:my_choices"),
                }
            )
    return items
