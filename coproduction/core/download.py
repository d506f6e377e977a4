"""One list of sections for her data download, to which each app contributes what it
holds of a person.

The counterpart of `coproduction.core.erasure` (pretix's data shredders are the model
for both): the platform owns the list and knows no domain app. Each app registers, in
its `AppConfig.ready`, functions that take her account and return her data in that
app as plain values (a dict, a list of dicts, or None for nothing), and names the
models each section reads (`covers`), so a test can prove that every model holding
her data has a section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

# Sections appear in this order, lowest first; bands leave room for new apps.
ACCOUNT = 100  # who she is to Hearth: her account and her profile
CONTACT = 300  # how she may be contacted, and by whom
GROUPS = 600  # the groups she is in and what she said there
CONSENT = 800  # her choices and what she gave
TRAIL = 1100  # who looked at or changed her data


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    order: int
    collect: Callable[[object], object]
    covers: tuple[type[models.Model], ...]


_sections: dict[str, Section] = {}


def _qualname(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def section(
    key: str, title: str | Promise, *, order: int, covers: tuple[type[models.Model], ...] = ()
) -> Callable[[Callable[[object], object]], Callable]:
    """Register `func(member)` as the download section `key`, shown as `title` (a lazy
    translation) at `order`; `covers` names the models it reads her data from."""

    def register(func: Callable[[object], object]) -> Callable[[object], object]:
        existing = _sections.get(key)
        if existing is not None and _qualname(existing.collect) != _qualname(func):
            raise ImproperlyConfigured(f"two download sections are named {key!r}")
        _sections[key] = Section(
            key=key, title=title, order=order, collect=func, covers=tuple(covers)
        )
        return func

    return register


def sections() -> list[Section]:
    """Every registered section, in the order they appear."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def collect(member) -> dict:
    """Her data from every section, keyed by section, in order."""
    return {each.key: each.collect(member) for each in sections()}


def when(value) -> str | None:
    """A moment as her download writes it: local time, to the minute."""
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def person(user, member) -> str:
    """Who did something, as her download names them: Hearth itself, "you", or the
    person by name."""
    if user is None:
        return gettext("Hearth")
    if user.pk == member.pk:
        return gettext("you")
    return user.get_full_name() or user.username
