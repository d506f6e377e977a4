"""Her data: download it, see her downloads, ask for (or call off) its erasure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from consent import services
from consent.forms.member import EraseForm
from consent.models import DataExport, ErasureRequest
from coproduction.core import dates
from coproduction.core.freshness import fresh_sign_in_required
from coproduction.core.http import GET_POST, posted, show_refusal
from coproduction.outbox.models import Message
from groups.views.member.portal import member_view

MESSAGES_SHOWN = 10
PENDING_ERASURE = (ErasureRequest.Status.REQUESTED, ErasureRequest.Status.CONFIRMED)


def _pending_erasure(member) -> ErasureRequest | None:
    return member.erasure_requests.filter(status__in=PENDING_ERASURE).first()


@member_view(require_safe)
def my_data(request: HttpRequest) -> HttpResponse:
    """Download her information, see her downloads, and ask for (or call off) erasure."""
    exports = [
        {"export": export, "kept_until": export.created_at + services.EXPORT_KEPT_FOR}
        for export in request.user.data_exports.filter(
            created_at__gt=timezone.now() - services.EXPORT_KEPT_FOR
        )
    ]
    return render(
        request,
        "consent/member/my_data.html",
        {
            "exports": exports,
            "erasure": _pending_erasure(request.user),
            # The latest few, in their words; her download holds every one.
            "sent": Message.objects.filter(
                recipient=request.user, status=Message.Status.SENT
            ).order_by("-sent_at", "-pk")[:MESSAGES_SHOWN],
        },
    )


@member_view(require_POST)
@fresh_sign_in_required
def data_download_request(request: HttpRequest) -> HttpResponse:
    """Ask for her download to be made (by a task); asking again while one is being made
    does nothing more."""
    try:
        services.data_export_request(member=request.user, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("We are preparing it. Come back in a minute."))
    return redirect("consent:my_data")


@member_view(require_safe)
@fresh_sign_in_required
def data_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """Her own ready download, never cached (the service records that she downloaded
    it). Past its keeping time it is gone, whether or not the task has run."""
    try:
        content = services.data_export_download(member=request.user, export_id=export_id)
    except DataExport.DoesNotExist:
        raise Http404("No such download") from None
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-information.zip"'
    patch_cache_control(response, no_store=True, private=True)
    return response


@member_view(GET_POST)
@fresh_sign_in_required
def erase(request: HttpRequest) -> HttpResponse:
    """What erasing means, in plain words, and asking for it (with a tick to be sure)."""
    existing = _pending_erasure(request.user)
    form = EraseForm(posted(request))
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            erasure = services.erasure_request(member=request.user, acting_user=request.user)
        except ValidationError as error:
            show_refusal(form, error, "confirm")
        else:
            messages.success(
                request,
                gettext(
                    "We have your request. Your information will be erased by %(day)s. "
                    "You can change your mind until then."
                )
                % {"day": dates.day(erasure.stands_at)},
            )
            return redirect("consent:my_data")
    return render(
        request,
        "consent/member/erase.html",
        {
            "form": form,
            "existing": existing,
            "by": timezone.now() + services.ERASURE_STANDS_AFTER,
        },
    )


@member_view(require_POST)
def erase_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    """She changes her mind: nothing is erased."""
    erasure = get_object_or_404(request.user.erasure_requests, pk=request_id)
    try:
        erasure = services.erasure_withdraw(erasure=erasure, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if erasure.status == ErasureRequest.Status.WITHDRAWN:
            messages.success(request, gettext("You changed your mind. Nothing will be erased."))
        else:
            messages.error(request, gettext("This request can no longer be called off."))
    return redirect("consent:my_data")
