"""Everything Hearth holds about one member, as data: for her download (JSON and a
readable page in a zip). Each app contributes its sections (`coproduction.core.download`),
so this module reads no other app's models."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from coproduction.core import download


def collect_member_data(member) -> dict:
    """Every piece of data held about her, with who changed or looked at it."""
    return {"made_on": download.when(timezone.now()), **download.collect(member)}


def _text(value) -> str:
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def readable(data: dict) -> list[tuple[str, list[list[tuple[str, str]]]]]:
    """The same data as sections of labelled lines, for a person to read."""
    result = []
    for each in download.sections():
        content = data[each.key]
        items = content if isinstance(content, list) else ([content] if content else [])
        result.append(
            (
                str(each.title),
                [
                    [(k.replace("_", " ").capitalize(), _text(v)) for k, v in item.items()]
                    for item in items
                ],
            )
        )
    return result


def export_zip_bytes(member) -> bytes:
    """Her download, in memory so it reaches the disk only encrypted: data.json and a
    readable my-data.html."""
    data = collect_member_data(member)
    html = render_to_string(
        "consent/export.html", {"made_on": data["made_on"], "sections": readable(data)}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Django's encoder writes translated labels (lazy strings) as the words they are.
        archive.writestr(
            "data.json", json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
        )
        archive.writestr("my-data.html", html)
    return buffer.getvalue()
