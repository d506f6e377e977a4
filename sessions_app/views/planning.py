"""The facilitators' planning pages of a group: its sessions, a new date or series, one
date with its facilitators, plan and changes, and who came."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coproduction.core.http import GET_POST, posted
from groups.access import StaffAccess, staff_view
from groups.models import Membership
from groups.summaries import staff_name
from groups.views.member.portal import saved
from sessions_app import staff_pages
from sessions_app.forms import (
    AgendaItemForm,
    AttendanceForm,
    RosterForm,
    SeriesForm,
    SessionForm,
)
from sessions_app.models import AgendaItem, Attendance, GroupSession
from sessions_app.services import sessions as planning
from sessions_app.services import taking_part
from sessions_app.services.sessions import wall_clock
from sessions_app.session_access import session_of_group

SESSIONS_PER_PAGE = 20
PLACE = (
    "title", "internal_title", "address", "getting_there", "step_free", "quiet_room",
    "toilets", "online_link", "breaks", "debrief",
)  # fmt: skip


def _facilitators(access: StaffAccess):
    return (
        get_user_model()
        .objects.filter(
            memberships__group=access.group,
            memberships__role=Membership.Role.FACILITATOR,
            memberships__status=Membership.Status.ACTIVE,
        )
        .order_by("first_name", "pk")
    )


def _go(session: GroupSession):
    return redirect("sessions_app:session_detail", session.group_id, session.pk)


@require_safe
@staff_view
def session_list(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """The group's dates, the coming ones first, each with its state and whether whoever
    runs it is ready. A fixed number of queries, whatever the number of sessions."""
    now = timezone.now()
    past = request.GET.get("when") == "past"
    sessions = GroupSession.objects.filter(group=access.group)
    sessions = (
        sessions.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
        if past
        else sessions.filter(ends_at__gt=now).order_by("starts_at", "pk")
    )
    page = Paginator(
        sessions.prefetch_related("facilitators").annotate(
            items=Count("agenda", distinct=True),
            # Distinct: the join with the plan's parts repeats each answer once per part.
            cant_come=Count(
                "attendance",
                filter=Q(attendance__plan=Attendance.Plan.CANT_COME),
                distinct=True,
            ),
        ),
        SESSIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/staff/session_list.html",
        access.context(
            "sessions", page=page, rows=staff_pages.session_rows(page.object_list), past=past
        ),
    )


@GET_POST
@staff_view(manage=True)
def session_new(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """One date, or a series of dates from one repeat, as drafts to fill in and publish."""
    form = SeriesForm(
        posted(request),
        facilitators=_facilitators(access),
        initial={"facilitators": [request.user]},
    )
    made: list[GroupSession] = []

    def write(data: dict) -> None:
        details = {name: data[name] for name in PLACE}
        rule = form.rule()
        if rule is None:
            # Groups keep no time zone of their own yet: the project's, until one does.
            zone = ZoneInfo(settings.TIME_ZONE)
            made.append(
                planning.session_create(
                    group=access.group, acting_user=request.user,
                    starts_at=wall_clock(data["first_day"], data["starts"], zone),
                    ends_at=wall_clock(data["first_day"], data["ends"], zone),
                    time_zone=settings.TIME_ZONE, facilitators=data["facilitators"],
                    **details,
                )
            )  # fmt: skip
        else:
            series = planning.series_create(
                group=access.group, acting_user=request.user, rule=rule,
                first_day=data["first_day"], starts=data["starts"], ends=data["ends"],
                time_zone=settings.TIME_ZONE, facilitators=data["facilitators"], **details,
            )  # fmt: skip
            made.extend(series.sessions.order_by("starts_at")[:1])

    if saved(form, write, field="first_day"):
        messages.success(
            request, _("Saved as a draft. Add the plan, then publish it so members see it.")
        )
        return _go(made[0])
    return render(
        request, "sessions_app/staff/session_new.html", access.context("sessions", form=form)
    )


def _session_page(access: StaffAccess, session_id: int) -> GroupSession:
    return get_object_or_404(
        GroupSession.objects.filter(group=access.group)
        .select_related("group", "support_worker")
        .prefetch_related(
            "facilitators",
            Prefetch("agenda", queryset=AgendaItem.objects.annotate(out=Count("step_outs"))),
            "changes",
        ),
        pk=session_id,
    )


@require_safe
@staff_view
def session_detail(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """One date: when and where, who runs it and whether they are ready, its plan, what
    members were told changed, and who said they would come or could not."""
    session = _session_page(access, session_id)
    ready = planning.readiness([session])[session.pk]
    return render(
        request,
        "sessions_app/staff/session_detail.html",
        access.context(
            "sessions",
            session=session,
            when=staff_pages.session_when(session),
            facilitators=[
                {
                    "person": p,
                    "name": staff_name(p),
                    "missing": planning.training_labels(ready[p.pk]),
                }
                for p in session.facilitators.all()
            ],
            refusal=None if session.is_announced else planning.publish_refusal(session),
            support_worker=staff_name(session.support_worker) if session.support_worker else "",
            roster_form=RosterForm(facilitators=_facilitators(access)),
            coming=staff_pages.coming_rows(access, session),
            changes=staff_pages.change_rows(session.changes.all()),
        ),
    )


@GET_POST
@staff_view(manage=True)
def session_edit(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Change one date's details. After publishing, members are told what changed."""
    session = session_of_group(access, session_id)
    local_start, local_end = session.local_times()
    zone = local_start.tzinfo
    initial = {name: getattr(session, name) for name in PLACE} | {
        "day": local_start.date(), "starts": local_start.time(), "ends": local_end.time(),
    }  # fmt: skip
    form = SessionForm(posted(request), initial=initial)
    announced = []

    def write(data: dict) -> None:
        change = planning.session_update(
            session=session, acting_user=request.user,
            starts_at=wall_clock(data["day"], data["starts"], zone),
            ends_at=wall_clock(data["day"], data["ends"], zone),
            **{name: data[name] for name in PLACE},
        )  # fmt: skip
        announced.extend([change] if change else [])

    if saved(form, write, field="day"):
        messages.success(
            request,
            _("Saved. Members who were told of it will hear what changed, in their safe times.")
            if announced
            else _("Saved."),
        )
        return _go(session)
    return render(
        request,
        "sessions_app/staff/session_edit.html",
        access.context("sessions", form=form, session=session),
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@staff_view(manage=True)
def session_roster(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Add a facilitator to this date (`remove` takes one off), warning of training
    that is not current on the day."""
    session = session_of_group(access, session_id)
    form = RosterForm(request.POST, facilitators=_facilitators(access))
    if not form.is_valid():
        messages.error(request, _("Please choose one of the group's facilitators."))
        return _go(session)
    person = form.cleaned_data["person"]
    try:
        if request.POST.get("remove"):
            planning.facilitator_remove(session=session, acting_user=request.user, person=person)
            messages.success(request, _("Taken off this date."))
        else:
            missing = planning.facilitator_add(
                session=session, acting_user=request.user, person=person
            )
            if missing:
                messages.warning(
                    request,
                    _("Added. Her training is not current on the day: %(courses)s.")
                    % {"courses": ", ".join(missing)},
                )
            else:
                messages.success(request, _("Added."))
    except ValidationError as error:
        _refused(request, error)
    return _go(session)


@require_POST
@staff_view(manage=True)
def session_publish(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Publish a date and its plan to members' portals."""
    session = session_of_group(access, session_id)
    try:
        if planning.session_publish(session=session, acting_user=request.user):
            messages.success(request, _("Published. Members see it and its plan in Hearth."))
        else:
            messages.info(request, _("Nothing changed: it was already published."))
    except ValidationError as error:
        _refused(request, error)
    return _go(session)


@GET_POST
@staff_view(manage=True)
def session_cancel(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Call a date off, after asking: members who were told of it hear it is off."""
    session = session_of_group(access, session_id)
    if request.method == "POST":
        try:
            planning.session_cancel(session=session, acting_user=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Cancelled. Members who knew of it will be told."))
        return _go(session)
    return render(
        request,
        "sessions_app/staff/session_cancel.html",
        access.context("sessions", session=session),
    )


def _item(session: GroupSession, item_id: int) -> AgendaItem:
    return get_object_or_404(session.agenda.all(), pk=item_id)


@GET_POST
@staff_view(manage=True)
def agenda_item(
    request: HttpRequest, access: StaffAccess, session_id: int, item_id: int | None = None
) -> HttpResponse:
    """Add a part to the plan, or change one, with its content notes."""
    session = session_of_group(access, session_id)
    item = _item(session, item_id) if item_id is not None else None
    initial = (
        {}
        if item is None
        else {
            name: getattr(item, name)
            for name in ("at_time", "purpose", "led_by", "content_notes", "content_note_text")
        }
    )
    form = AgendaItemForm(posted(request), initial=initial)

    def write(data: dict) -> None:
        planning.agenda_item_save(session=session, acting_user=request.user, item=item, **data)

    if saved(form, write, field="purpose"):
        messages.success(request, _("Saved to the plan."))
        return _go(session)
    return render(
        request,
        "sessions_app/staff/agenda_item.html",
        access.context("sessions", form=form, session=session, item=item),
    )


@require_POST
@staff_view(manage=True)
def agenda_item_remove(
    request: HttpRequest, access: StaffAccess, session_id: int, item_id: int
) -> HttpResponse:
    """Take a part off the plan."""
    session = session_of_group(access, session_id)
    try:
        planning.agenda_item_remove(item=_item(session, item_id), acting_user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Taken off the plan."))
    return _go(session)


@require_POST
@staff_view(manage=True)
def agenda_item_move(
    request: HttpRequest, access: StaffAccess, session_id: int, item_id: int
) -> HttpResponse:
    """Move a part one place earlier (`up`) or later in the plan."""
    session = session_of_group(access, session_id)
    try:
        planning.agenda_item_move(
            item=_item(session, item_id), acting_user=request.user, up=bool(request.POST.get("up"))
        )
    except ValidationError as error:
        _refused(request, error)
    return _go(session)


@GET_POST
@staff_view(manage=True)
def session_attendance(request: HttpRequest, access: StaffAccess, session_id: int) -> HttpResponse:
    """Who came and for how long: involvement hours, which recognition pays. Nobody
    else sees who did not come, and not coming counts against nobody."""
    session = session_of_group(access, session_id)
    members = staff_pages.attendance_members(access, session)
    rows = {row.member_id: row for row in Attendance.objects.filter(session=session)}
    initial = {}
    for member in members:
        row = rows.get(member.pk)
        initial[f"came_{member.pk}"] = bool(row and row.came)
        initial[f"hours_{member.pk}"] = row.hours if row else None
    form = AttendanceForm(posted(request), members=members, initial=initial)

    def write(data: dict) -> None:
        taking_part.attendance_record(session=session, acting_user=request.user, came=form.came())

    if saved(form, write):
        messages.success(request, _("Saved. Thank you."))
        return _go(session)
    return render(
        request,
        "sessions_app/staff/session_attendance.html",
        access.context("sessions", form=form, session=session, members=members),
    )
