"""Stand-ins for GOV.UK Notify and Twilio on loopback: real HTTP servers that check
credentials as the providers do, keep every message they accept, and answer with an
error status when told to. The clients under test are the real libraries.

Each stub also counts what it accepted per idempotency key (Notify's `reference`, which
the outbox sets to the message's key digest; Twilio's API takes none), and treats a
repeated key as the delivery it already made, answering with the same id: "exactly
once" is measured at the provider's door. It can hold its answer to one request, so a
test can break a worker or the broker at a known moment: after the provider took a
message, before the worker heard so."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt

NOTIFY_SERVICE = "11111111-2222-3333-4444-555555555555"
NOTIFY_SECRET = "66666666-7777-8888-9999-000000000000"
NOTIFY_KEY = f"hearth_test-{NOTIFY_SERVICE}-{NOTIFY_SECRET}"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-test-token"


@dataclass
class Stub:
    """One stub provider: what it accepted, and the status to answer next (201 = take it).

    `received` has every request it took, repeats included; `posts` counts them per
    idempotency key, and `delivered` holds each key's one delivery (its provider id).
    With `hold_at` = n, the answer to the n-th request taken waits until `release` is
    set; `holding` is set meanwhile, and `held_from` is the client's (host, port)."""

    received: list[dict] = field(default_factory=list)
    answer: int = 201
    base_url: str = ""
    posts: Counter = field(default_factory=Counter)
    delivered: dict[str, str] = field(default_factory=dict)
    hold_at: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held_from: tuple[str, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, data: dict, key: str | None) -> tuple[str, int]:
        """Keep one accepted request: its provider id (a repeated key's first one) and
        how many requests have been taken, this one included."""
        with self.lock:
            self.received.append(data)
            if key is None:
                return str(uuid.uuid4()), len(self.received)
            self.posts[key] += 1
            provider_id = self.delivered.setdefault(key, str(uuid.uuid4()))
            return provider_id, len(self.received)


def _notify_authorised(handler) -> bool:
    scheme, _, token = handler.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer":
        return False
    try:
        claims = jwt.decode(token, NOTIFY_SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        return False
    return claims.get("iss") == NOTIFY_SERVICE


def _twilio_authorised(handler) -> bool:
    expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    return handler.headers.get("Authorization") == f"Basic {expected}"


def _handler(stub: Stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet in test output
            pass

        def _reply(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client is gone (a test killed it while the answer was held)

        def do_POST(self):  # noqa: N802 (the standard library's name)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/v2/notifications/sms":
                if not _notify_authorised(self):
                    return self._reply(403, {"errors": [{"error": "AuthError"}]})
                data = json.loads(raw)
                key = data.get("reference")
            elif self.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
                if not _twilio_authorised(self):
                    return self._reply(401, {"code": 20003, "message": "Authenticate"})
                data = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                key = None  # Twilio's Messages API takes no idempotency key
            else:
                return self._reply(404, {"message": "Not found"})
            if stub.answer != 201:
                return self._reply(stub.answer, {"code": 1, "message": "As told", "status": 0})
            provider_id, number = stub.take(data, key)
            if number == stub.hold_at:
                stub.held_from = self.client_address[:2]
                stub.holding.set()
                stub.release.wait(timeout=60)
            return self._reply(201, {"id": provider_id, "sid": "SM" + provider_id.replace("-", "")})

    return Handler


class _Server(ThreadingHTTPServer):
    # Several workers at once: a deeper listen queue than the standard library's five.
    request_queue_size = 128


class running:  # noqa: N801 (used as `with running() as stub`)
    """A stub provider serving on a free loopback port for the `with` block."""

    def __enter__(self) -> Stub:
        self.stub = Stub()
        self.server = _Server(("127.0.0.1", 0), _handler(self.stub))
        self.stub.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.stub

    def __exit__(self, *exc) -> None:
        self.stub.release.set()
        self.server.shutdown()
        self.server.server_close()
