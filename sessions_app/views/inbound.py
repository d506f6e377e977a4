"""The text-message providers' webhooks for replies. Each proves it is the provider
(Twilio's request signature; GOV.UK Notify's bearer token) or gets 403; a reply is then
handed to `reply_receive`, and the provider is answered with nothing to send."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sessions_app import services


@csrf_exempt
@require_POST
def twilio_reply(request: HttpRequest) -> HttpResponse:
    """A reply through Twilio: signed with the account's auth token over the URL and the
    posted fields, as Twilio signs every webhook."""
    from twilio.request_validator import RequestValidator

    token = settings.HEARTH_TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not RequestValidator(token).validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    ):
        raise PermissionDenied
    services.reply_receive(number=request.POST.get("From", ""), text=request.POST.get("Body", ""))
    # An empty TwiML answer: Hearth's own answers go through the outbox and her gate.
    return HttpResponse("<Response/>", content_type="text/xml")


@csrf_exempt
@require_POST
def notify_reply(request: HttpRequest) -> HttpResponse:
    """A reply through GOV.UK Notify: its callback carries the bearer token the service
    was given (`HEARTH_NOTIFY_INBOUND_TOKEN`)."""
    token = settings.HEARTH_NOTIFY_INBOUND_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme != "Bearer" or not hmac.compare_digest(given, token):
        raise PermissionDenied
    try:
        reply = json.loads(request.body)
        number, text = str(reply["source_number"]), str(reply["message"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    services.reply_receive(number=number, text=text)
    return HttpResponse(status=204)
