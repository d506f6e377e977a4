"""The roster's member table body, built in Python.

A template loop renders every cell of a 100-row table as its own nodes, which cost more
than the rest of the page. Here each row is one string format, and every value in it
goes through `escape`.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

MEMBER_ROW = (
    '<tr><th scope="row"><a href="{url}">{name}</a></th><td>{status}</td>'
    "<td>{contact}{to_confirm}</td><td>{support_worker}</td><td>{agreement}</td>"
    "<td>{access_needs}</td></tr>"
)


@register.simple_tag
def member_rows(rows) -> SafeString:
    """One `<tr>` per `groups.staff_summaries.MemberRow`: her name linked to her page,
    status, how to reach her (flagged when due to be confirmed), support worker, answer
    to the agreement, access needs. The words for an empty cell are translated once.

    Values are escaped with the standard library's `escape`, the function Django's own
    `escape` calls: Django's wraps it in a check for lazy strings that costs ten times
    the escaping, once for every cell. The rows' values are plain strings."""
    to_confirm = format_html(
        '<br><span class="badge text-bg-warning text-wrap">{}</span>',
        gettext("To confirm with her"),
    )
    none_named = gettext("None named")
    none_given = gettext("None given")
    return mark_safe(  # noqa: S308 - every value below is escaped
        "\n".join(
            MEMBER_ROW.format(
                url=escape(row.url),
                name=escape(row.name),
                status=escape(row.status),
                contact=escape(row.contact),
                to_confirm=to_confirm if row.contact_to_confirm else "",
                support_worker=escape(row.support_worker or none_named),
                agreement=escape(row.agreement),
                access_needs=escape("; ".join(row.access_needs) or none_given),
            )
            for row in rows
        )
    )
