"""Gunicorn's access log, without the secrets some addresses carry: a calendar feed's
address is its only key, and a log line read by an operator, or shipped to a log
service, must not open someone's dates."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # no stubs published

# Addresses whose last part is a secret (a calendar app fetches them without signing in).
SECRET_PATH = re.compile(r"^(/calendar/)[^/]+(\.ics)$")
HIDDEN = r"\1…\2"


class RedactingLogger(Logger):
    """Gunicorn's logger, with a secret address shown as `/calendar/….ics`."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        if not SECRET_PATH.match(path):
            return atoms
        hidden = SECRET_PATH.sub(HIDDEN, path)
        raw = environ.get("RAW_URI") or path
        # The path is in several atoms (the request line, the path, the environ's own).
        for name, value in atoms.items():
            if isinstance(value, str) and path in value:
                atoms[name] = value.replace(raw, hidden).replace(path, hidden)
        atoms["q"] = ""
        return atoms
