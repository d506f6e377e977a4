"""Calendars: the feed at her secret address (no sign-in: the address is the key), her
page to make or stop that address, and one date as a file, for members and for staff."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from coproduction.core.http import GET_POST, posted
from groups.access import StaffAccess, staff_view
from groups.permissions import require_staff
from groups.views.member.portal import member_view
from sessions_app.services import calendar
from sessions_app.session_access import session_of_group, session_of_member

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How a refused feed request is logged, in place of its path.
FEED = "a calendar address"


class CalendarForm(forms.Form):
    """Her one choice about her calendar address: whether it shows where a date is."""

    with_place = forms.BooleanField(
        label=gettext_lazy("Include where it is"),
        required=False,
        help_text=gettext_lazy(
            "Your calendar will show the address. Only tick this if nobody else looks at "
            "your calendar."
        ),
    )


def _ics(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    """An iCalendar answer that no browser or proxy keeps."""
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# Checked here, not by `require_safe` or the CSRF middleware: both would log the path,
# and the path is the secret. The feed changes nothing, so it needs no CSRF token.
@csrf_exempt
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Her calendar, for her calendar app: whoever has the address gets it, nobody else.
    GET (and HEAD) only; a refusal is logged by what it was for, never by its path."""
    if request.method not in ("GET", "HEAD"):
        response: HttpResponse = HttpResponseNotAllowed(["GET", "HEAD"])
        log_response("Method Not Allowed (%s): %s", request.method, FEED, response=response,
                     request=request)  # fmt: skip
        return response
    feed = calendar.feed_for_secret(secret)
    if feed is None:
        response = HttpResponseNotFound(
            _("There is no calendar at this address."), content_type="text/plain; charset=utf-8"
        )
        log_response("Not Found: %s", FEED, response=response, request=request)
        return response
    return _ics(calendar.person_calendar(feed), "calendar.ics", attachment=False)


def _calendar_page(request: HttpRequest, template: str) -> HttpResponse:
    """Her calendar address page: what it is, her choice, and, just after she made one,
    the address itself, shown in this response only (Hearth keeps no copy of it)."""
    feed = calendar.feed_live(person=request.user)
    form = CalendarForm(posted(request), initial={"with_place": bool(feed and feed.with_place)})
    address = webcal = ""
    if form.is_valid():
        secret = calendar.feed_create(
            person=request.user, with_place=form.cleaned_data["with_place"]
        )
        feed = calendar.feed_live(person=request.user)
        address = request.build_absolute_uri(reverse("sessions_app:calendar_feed", args=[secret]))
        webcal = "webcal://" + address.split("://", 1)[1]
    return render(
        request, template, {"form": form, "feed": feed, "address": address, "webcal": webcal}
    )


def _stopped(request: HttpRequest) -> None:
    """Stop her address, and say what that means."""
    if calendar.feed_revoke(person=request.user):
        messages.success(
            request,
            _(
                "Your calendar address has stopped working. Your calendar may still show "
                "the dates it already has: you can remove it in your calendar app."
            ),
        )
    else:
        messages.info(request, _("You had no calendar address."))


@member_view(GET_POST)
def my_calendar(request: HttpRequest) -> HttpResponse:
    """What a calendar address is, who can see it, whether it shows where; make one
    (shown once) or a new one in its place."""
    return _calendar_page(request, "sessions_app/member/calendar.html")


@member_view(require_POST)
def my_calendar_stop(request: HttpRequest) -> HttpResponse:
    """Stop her calendar address working. Stopping it twice is once."""
    _stopped(request)
    return redirect("sessions_app:my_calendar")


@member_view(require_safe)
def my_session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    """One of her dates as a file for her calendar: neutral, and with the place only if
    her calendar address shows places."""
    session = session_of_member(request.user, session_id)
    feed = calendar.feed_live(person=request.user)
    body = calendar.session_calendar(
        session, for_member=True, with_place=bool(feed and feed.with_place)
    )
    return _ics(body, "date.ics", attachment=True)


@require_safe
@staff_view
def session_ics(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """One date of the group as a file for her work calendar, with its internal title
    and, unless her calendar address leaves places out, its address."""
    session = session_of_group(access, session_id)
    feed = calendar.feed_live(person=request.user)
    body = calendar.session_calendar(
        session, for_member=False, with_place=feed is None or feed.with_place
    )
    return _ics(body, "session.ics", attachment=True)


@GET_POST
@login_required
def my_staff_calendar(request: HttpRequest) -> HttpResponse:
    """Her own calendar address for the sessions of the groups she works in."""
    require_staff(request.user)
    return _calendar_page(request, "sessions_app/staff/calendar.html")


@require_POST
@login_required
def my_staff_calendar_stop(request: HttpRequest) -> HttpResponse:
    """Stop her calendar address working. Stopping it twice is once."""
    require_staff(request.user)
    _stopped(request)
    return redirect("sessions_app:my_staff_calendar")
