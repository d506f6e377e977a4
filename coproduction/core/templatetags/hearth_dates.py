"""The `day` filter: `{{ when|day }}` → "3 March", or "3 March 2027" when not this year.

Loaded for every template (settings' `builtins`), so no page shows a date another way.
"""

from django import template

from coproduction.core.dates import day as day_text

register = template.Library()


@register.filter
def day(value, style: str = ""):
    """`{{ when|day }}`, or `{{ when|day:"short" }}` for tables."""
    return day_text(value, short=style == "short")
