"""Staff pages of a group: the support requests, and what Hearth sent its members; and
her own page for how she is reminded of what waits for her."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coproduction.accounts.mail import ACCOUNT_KINDS
from coproduction.audit.services import audit_record
from coproduction.core.http import GET_POST, posted
from coproduction.outbox import services as outbox
from coproduction.outbox.models import Message
from groups.access import StaffAccess, staff_view
from groups.permissions import require_staff
from sessions_app import services
from sessions_app.forms import AcknowledgeForm, ReminderChoiceForm
from sessions_app.models import PassOn, StaffReminderChoice, SupportRequest
from sessions_app.staff_pages import outbox_rows, pass_on_rows, support_rows

# Acknowledged requests stay on the queue this long, so a colleague sees what was done.
RECENTLY = 30
MESSAGES_PER_PAGE = 50


def _requests(access: StaffAccess):
    """The support requests of the members she may see."""
    return SupportRequest.objects.filter(member__in=access.members().values("user"))


def _of_a_member(access: StaffAccess, rows, pk: int):
    """One of `rows` (each with a `member`) about a member of the group: 404 outside it,
    403 for a support worker who does not support her (as her member page answers)."""
    members = access.group.memberships.members()
    found = get_object_or_404(rows.filter(member__in=members.values("user")), pk=pk)
    access.member(members.get(user_id=found.member_id).pk)
    return found


@require_safe
@staff_view
def support_queue(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Who asked to be contacted, who she chose, and whether someone has it in hand."""
    since = timezone.now() - dt.timedelta(days=RECENTLY)
    requests = _requests(access).filter(
        Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=since)
    )
    pass_ons = _pass_ons(access).filter(Q(done_at__isnull=True) | Q(done_at__gte=since))
    # That a member asked for support, and what she is to be told, are hers: each look
    # at the queue is recorded.
    audit_record(actor=request.user, action="support_requests.view", subject=access.group)
    return render(
        request,
        "sessions_app/staff/support_queue.html",
        access.context("support", rows=support_rows(requests), pass_on_rows=pass_on_rows(pass_ons)),
    )


def _pass_ons(access: StaffAccess):
    """The messages to pass on to the members she may see."""
    return PassOn.objects.filter(member__in=access.members().values("user"))


@require_POST
@staff_view
def pass_on_done(request: HttpRequest, access: StaffAccess, pass_on_id: int) -> HttpResponse:
    """Say a message was passed on to her in person."""
    pass_on = _of_a_member(access, PassOn.objects.all(), pass_on_id)
    if services.pass_on_done(pass_on=pass_on, acting_user=request.user):
        messages.success(request, _("Thank you. It is marked as passed on."))
    else:
        messages.info(request, _("Nothing changed: it was already marked as passed on."))
    return redirect("sessions_app:support_queue", access.group.pk)


@GET_POST
@staff_view
def support_acknowledge(request: HttpRequest, access: StaffAccess, request_id: int) -> HttpResponse:
    """Say a request is in hand and what was done: the reminders stop at once."""
    # A colleague may have taken it in hand while this page was open: her answer is then
    # told so, not a missing page, and the note she wrote is not silently lost.
    requests = SupportRequest.objects.all()
    support_request = _of_a_member(
        access, requests.open() if request.method == "GET" else requests, request_id
    )
    form = AcknowledgeForm(posted(request))
    if form.is_valid():
        try:
            services.support_request_acknowledge(
                request=support_request,
                acting_user=request.user,
                what_was_done=form.cleaned_data["what_was_done"],
            )
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, _("Thank you. The reminders have stopped."))
        return redirect("sessions_app:support_queue", access.group.pk)
    return render(
        request,
        "sessions_app/staff/support_acknowledge.html",
        access.context(
            "support",
            form=form,
            row=support_rows(_requests(access).filter(pk=support_request.pk))[0],
        ),
    )


def _group_messages(access: StaffAccess):
    # Her sign-in codes and resets are her own business: when she signs in is not the
    # group's to watch.
    return Message.objects.filter(recipient__in=access.members().values("user")).exclude(
        kind__in=ACCOUNT_KINDS
    )


@require_safe
@staff_view(manage=True)
def group_outbox(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """What went to the group's members, when, how and whether it went: never the words."""
    page = Paginator(
        _group_messages(access).select_related("recipient__profile"), MESSAGES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/staff/group_outbox.html",
        access.context("messages", page=page, rows=outbox_rows(page.object_list)),
    )


@require_POST
@staff_view(manage=True)
def message_resolve(request: HttpRequest, access: StaffAccess, message_id: int) -> HttpResponse:
    """Try a held or failed message again (her choices are asked afresh), or cancel it."""
    message = get_object_or_404(_group_messages(access), pk=message_id)
    action = request.POST.get("action")
    if action == "retry" and outbox.message_retry(message=message):
        messages.success(request, _("It will be tried again, within what she said is safe."))
    elif action == "cancel" and outbox.message_cancel(message=message):
        messages.success(request, _("Cancelled. It will not be sent."))
    else:
        messages.info(request, _("Nothing changed: the message has moved on since."))
        return redirect("sessions_app:group_outbox", access.group.pk)
    audit_record(
        actor=request.user,
        action=f"message.{action}",
        subject=message,
        subject_user=message.recipient,
    )
    return redirect("sessions_app:group_outbox", access.group.pk)


@GET_POST
@login_required
def my_reminders(request: HttpRequest) -> HttpResponse:
    """How she hears what waits for her: an email for each kind of thing, or one a day."""
    require_staff(request.user)
    choice = StaffReminderChoice.objects.filter(staff=request.user).first() or (
        StaffReminderChoice(staff=request.user)
    )
    form = ReminderChoiceForm(
        posted(request),
        zone=choice.time_zone,
        initial={"how": choice.how, "digest_at": choice.digest_at},
    )
    if form.is_valid():
        services.reminder_choice_update(
            staff=request.user,
            how=form.cleaned_data["how"],
            digest_at=form.cleaned_data["digest_at"] or choice.digest_at,
        )
        messages.success(request, _("Saved. Your reminders will come this way from now on."))
        return redirect("sessions_app:my_reminders")
    return render(request, "sessions_app/staff/my_reminders.html", {"form": form})
