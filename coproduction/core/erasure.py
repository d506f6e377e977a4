"""One list of erasure steps, to which each app contributes what it keeps of a person.

Modelled on pretix's data shredders: the platform owns the list and runs it, and knows
no domain app. Each app registers, in its `AppConfig.ready`, the ways it can recognise
her (`identifies`) and the steps that remove what it holds of her (`step`). Erasing
her first asks every app who she is (her addresses, phones and sign-in names, while
her account and her data key still exist), then runs every step in order, all inside
the caller's one transaction, so an erasure happens completely or not at all.

Every step must be safe to run twice: a second run finds nothing left and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

# Steps run in this order, lowest first; bands leave room for new apps between them.
FIND_BY_ADDRESS = 100  # rows found by her address or id that deleting her account would miss
DESTROY_KEYS = 500  # her data key: the last point at which her data could be read
DELETE_ACCOUNT = 900  # her account, and everything that cascades from it


@dataclass
class Person:
    """Everything by which the steps can recognise her. Addresses and sign-in names are
    stored lower-cased; phones as digits only, so a step compares like with like."""

    pk: int
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    logins: set[str] = field(default_factory=set)

    def add_email(self, email: str | None) -> None:
        if email and email.strip():
            self.emails.add(email.strip().lower())

    def add_phone(self, phone: str | None) -> None:
        digits = phone_digits(phone)
        if digits:
            self.phones.add(digits)

    def add_login(self, login: str | None) -> None:
        if login and login.strip():
            self.logins.add(login.strip().lower())


def phone_digits(phone: str | None) -> str:
    """A phone number as its digits alone, the form in which two numbers are compared."""
    return "".join(ch for ch in phone or "" if ch.isdigit())


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[[Person], object]


_finders: dict[str, Callable[[Person], object]] = {}
_steps: dict[str, Step] = {}


def _qualname(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def identifies(func: Callable[[Person], object]) -> Callable[[Person], object]:
    """Register a function that adds to `Person` what an app knows her by."""
    _finders.setdefault(_qualname(func), func)
    return func


def step(name: str, *, order: int) -> Callable[[Callable[[Person], object]], Callable]:
    """Register `func(person)` as the erasure step `name`, run at `order`."""

    def register(func: Callable[[Person], object]) -> Callable[[Person], object]:
        existing = _steps.get(name)
        if existing is not None and _qualname(existing.run) != _qualname(func):
            raise ImproperlyConfigured(f"two erasure steps are named {name!r}")
        _steps[name] = Step(name=name, order=order, run=func)
        return func

    return register


def steps() -> list[Step]:
    """Every registered step, in the order they run."""
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def identify(user_id: int) -> Person:
    """Who she is, as every app knows her."""
    person = Person(pk=user_id)
    for finder in _finders.values():
        finder(person)
    return person


def erase(*, user_id: int) -> Person:
    """Run every erasure step for her. Must be called inside the caller's transaction,
    which makes the steps one change: a step that fails undoes them all."""
    if not connection.in_atomic_block:
        raise RuntimeError("erasure runs inside the transaction that records it")
    person = identify(user_id)
    for each in steps():
        each.run(person)
    return person


def admin_log_forget(*, model, pks) -> int:
    """Delete the admin site's log entries about these rows of hers. Django's admin log
    keeps each row's id and its name as shown then (`object_repr`), which can name her;
    what was done, and by whom, stays in the audit trail."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    ids = [str(pk) for pk in pks]
    if not ids:
        return 0
    # The admin logs a proxy model under its own content type.
    types = {
        ContentType.objects.get_for_model(model, for_concrete_model=concrete).pk
        for concrete in (True, False)
    }
    deleted, _ = LogEntry.objects.filter(content_type_id__in=types, object_id__in=ids).delete()
    return deleted
