"""Real Chromium through Playwright, against pytest-django's live server.

No test here touches the network. Pages ask only for the live server on loopback;
the neutral site that "Exit this page" opens (settings.HEARTH_EXIT_URL) is answered
locally, and every other request is refused.

Playwright routes see a request only before any redirect, and /exit/ reaches the
neutral site by an HTTP redirect, so routing alone cannot answer it. Chromium
therefore resolves the neutral site's host to a small local stand-in (and every
other host except loopback to nothing), while routes answer direct requests to the
neutral site and abort everything else that is not loopback.
"""

from __future__ import annotations

import datetime
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from playwright.sync_api import expect

from consent.models import ConsentText
from tests.conftest import CHROMIUM, chromium_available, need
from tests.factories import PASSWORD

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

NEUTRAL_PAGE = "<!DOCTYPE html><html><head><title>Weather</title></head><body>Weather</body></html>"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "screen": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session", autouse=True)
def _needs_chromium():
    """Skip without Chromium; fail instead when HEARTH_REQUIRE_SERVICES=1.

    Session scoped so it runs before pytest-playwright's session fixtures try to
    launch a browser; autouse here means only tests in this folder ask for it.
    """
    need(chromium_available(), f"Chromium at {CHROMIUM}")


def _self_signed(host: str, folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "neutral.pem", folder / "neutral.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


class _NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = NEUTRAL_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
        self.server.visits.append({name.lower(): value for name, value in self.headers.items()})

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def neutral_site(_needs_chromium, tmp_path_factory):
    """A local stand-in for the neutral site, on loopback, that notes each visit's headers."""
    parsed = urlparse(settings.HEARTH_EXIT_URL)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
    server.visits = []
    if parsed.scheme == "https":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(*_self_signed(parsed.hostname, tmp_path_factory.mktemp("neutral")))
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _needs_chromium, neutral_site):
    neutral_host = urlparse(settings.HEARTH_EXIT_URL).hostname
    resolver_rules = ", ".join(
        [
            f"MAP {neutral_host} 127.0.0.1:{neutral_site.server_address[1]}",
            "MAP * ~NOTFOUND",
            "EXCLUDE localhost",
            "EXCLUDE 127.0.0.1",
        ]
    )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--host-resolver-rules={resolver_rules}",
        ],
    }


@pytest.fixture
def exit_url() -> str:
    return settings.HEARTH_EXIT_URL


@pytest.fixture
def neutral_visits(neutral_site) -> list[dict[str, str]]:
    """Request headers (lower-cased names) of each visit to the stand-in neutral site."""
    neutral_site.visits.clear()
    return neutral_site.visits


def _origin(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed.scheme, parsed.netloc.lower()


def keep_offline(context, exit_url: str) -> None:
    """Answer the neutral site locally; let only loopback (the live server) through."""
    neutral = _origin(exit_url)

    def handle(route):
        url = route.request.url
        if _origin(url) == neutral:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)
        elif urlparse(url).hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", handle)


@pytest.fixture
def offline_context(new_context, exit_url):
    """Make a browser context that cannot reach the network; keyword args go to new_context."""

    def make(**kwargs):
        # The stand-in neutral site has a self-signed certificate.
        context = new_context(ignore_https_errors=True, **kwargs)
        context.set_default_timeout(10_000)
        keep_offline(context, exit_url)
        return context

    return make


@pytest.fixture
def phone_page(offline_context):
    """A page in a phone-sized, touch context."""
    return offline_context(**PHONE).new_page()


@pytest.fixture
def desktop_page(offline_context):
    """A page in a desktop-sized context."""
    return offline_context(**DESKTOP).new_page()


@pytest.fixture
def sign_in_with_password(live_server):
    """Sign in through the password form: sign_in_with_password(page, "sam")."""

    def sign_in(page, login: str, password: str = PASSWORD) -> None:
        page.goto(live_server.url + "/accounts/login/")
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in with password").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return sign_in


@pytest.fixture
def quotes_reworded(sam, purposes):
    """A second wording of the quotes question, after Sam answered the first."""
    return ConsentText.objects.create(
        purpose=purposes["anonymous_quotes"],
        version=2,
        question="May we quote you in reports and talks, without your name?",
        explanation="Now also in talks, never with your name.",
    )
