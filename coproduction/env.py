"""Reading configuration from the environment, failing loudly and by name.

Every setting that comes from outside goes through one of these helpers, so a
missing or malformed value stops start-up with a message that names the
variable instead of surfacing later as a puzzling error.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: object) -> str | object:
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"{name} must be set in the environment.")
        return default
    return value


def env_str(name: str, default: object = _MISSING) -> str:
    """A string; required when no default is given."""
    return _raw(name, default)  # type: ignore[return-value]


def env_bool(name: str, default: bool) -> bool:
    """true/false, yes/no, on/off or 1/0; anything else is an error naming the variable."""
    value = _raw(name, None)
    if value is None:
        return default
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number, optionally with a lower bound."""
    value = _raw(name, None)
    if value is None:
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = _raw(name, None)
    if value is None:
        return list(default)
    return [item.strip() for item in str(value).split(",") if item.strip()]


def env_url(name: str, default: object = _MISSING, *, schemes: set[str]) -> str:
    """A URL whose scheme is one of `schemes`."""
    value = str(_raw(name, default))
    scheme = urlparse(value).scheme
    if scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of: {allowed}.")
    return value
