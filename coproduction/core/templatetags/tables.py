"""The frame every staff table shares, so that each is scrollable, named and focusable the
same way (a wide table scrolls inside its region, which keyboard users can reach):

    {% load tables %}
    {% table "history" %}
      <caption id="history-caption">…</caption>
      {% column_headings _("When") _("Question") %}
      <tbody>…</tbody>
    {% endtable %}

The region is labelled by the caption, whose id must be the table's name + "-caption".
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


class TableNode(template.Node):
    def __init__(self, name: template.base.FilterExpression, nodelist: template.NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        return format_html(
            '<div class="table-responsive" role="region" aria-labelledby="{}-caption" '
            'tabindex="0"><table class="table table-sm align-top caption-top">{}</table></div>',
            self.name.resolve(context),
            self.nodelist.render(context),
        )


@register.tag("table")
def table(parser, token) -> TableNode:
    """`{% table "name" %}…{% endtable %}`: the scrolling region and the table around a
    caption, headings and body."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% table %} takes the table's name")
    nodelist = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(parser.compile_filter(bits[1]), nodelist)


@register.simple_tag
def column_headings(*headings) -> str:
    """One header row: a `<th scope="col">` per heading, escaped."""
    return format_html(
        "<thead><tr>{}</tr></thead>",
        format_html_join("", '<th scope="col">{}</th>', ((heading,) for heading in headings)),
    )
