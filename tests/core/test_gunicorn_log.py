"""The access log never carries a calendar feed's secret, and logs other addresses as
gunicorn does."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from coproduction.core.gunicorn import RedactingLogger


def atoms(path: str, query: str = "") -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path + (f"?{query}" if query else ""),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    return RedactingLogger(Config()).atoms(response, [], environ, dt.timedelta(seconds=0))


def test_a_feeds_secret_is_not_logged():
    logged = atoms("/calendar/s3cr3t-Token_value.ics", "x=1")
    assert "s3cr3t" not in " ".join(str(v) for v in logged.values())
    assert logged["r"] == "GET /calendar/….ics HTTP/1.1"


@pytest.mark.parametrize("path", ["/my/calendar/", "/staff/calendar/", "/my/"])
def test_other_addresses_are_logged_as_they_are(path):
    assert atoms(path)["r"] == f"GET {path} HTTP/1.1"
