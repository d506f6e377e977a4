"""Audited reads by staff: each reads what a page or download shows, then writes the
audit row of who read it, so nothing is shown that is not recorded. (The audit row is
the only write, so it needs no transaction of its own: if it fails, nothing is shown.)

Who may read is decided before these are called, by the staff page's access object
(`groups.access`); these only read and record.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from consent import policy
from consent.models import ConsentEvent
from coproduction import crypto
from coproduction.audit.services import audit_record
from groups.models import CoproGroup, Membership

HISTORY_PAGE_SIZE = 50


def consent_history_read(*, membership: Membership, viewer, page_number) -> Page:
    """One page of every answer she gave, newest first, with the audit row of `viewer`
    looking (she sees it in "who looked")."""
    member = membership.user
    events = ConsentEvent.objects.filter(member=member).select_related(
        "purpose", "text", "recorded_by"
    )
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(page_number)
    # Notes of how she told a facilitator are encrypted under her own key.
    crypto.warm_data_keys([member.pk])
    page.object_list = list(page.object_list)
    audit_record(
        actor=viewer, action="consent.history_view", subject=membership, subject_user=member
    )
    return page


def outputs_export_read(*, group: CoproGroup, viewer) -> list[dict]:
    """The quotes a report may use, as the members allow today, with the audit row of
    `viewer` taking them."""
    quotes = policy.output_quotes(group)
    audit_record(actor=viewer, action="outputs.export", subject=group)
    return quotes
