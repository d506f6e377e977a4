""" "You said, we did": the facilitators keep the record of what changed in services
because of the group; members read it in plain words, with what members said shown
only as each member allowed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from consent.models import Contribution
from coproduction.core import dates
from coproduction.core.http import GET_POST, posted
from groups.access import StaffAccess, staff_view
from groups.views.member.portal import member_view, saved
from sessions_app import staff_pages
from sessions_app.models import GroupSession, ServiceChange
from sessions_app.notes_forms import ServiceChangeForm
from sessions_app.services.changes import FIELDS, service_change_save
from sessions_app.session_access import her_group_ids
from sessions_app.views.notes import contribution_choices, member_rows

CHANGES_PER_PAGE = 20
Status = ServiceChange.Status

# How far a change has got, in her words.
HER_STATUS = {
    Status.PROPOSED: gettext_lazy("Asked for"),
    Status.IN_PROGRESS: gettext_lazy("Being worked on"),
    Status.DONE: gettext_lazy("Done"),
    Status.NOT_POSSIBLE: gettext_lazy("Not possible"),
}


# --- staff ----------------------------------------------------------------------------------


@require_safe
@staff_view
def service_changes(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """The group's "you said, we did" record, latest first."""
    page = Paginator(
        ServiceChange.objects.filter(group=access.group).order_by("-updated_at", "-pk"),
        CHANGES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/staff/service_changes.html",
        access.context("changes", page=page),
    )


def _session_choices(access: StaffAccess) -> tuple[list[tuple[int, str]], dict]:
    sessions = list(
        GroupSession.objects.filter(group=access.group).announced().order_by("-starts_at", "-pk")
    )
    choices = [
        (s.pk, f"{staff_pages.session_when(s)}: {s.internal_title or s.member_title}")
        for s in sessions
    ]
    return choices, {s.pk: s for s in sessions}


def _change_page(request: HttpRequest, access: StaffAccess, change: ServiceChange | None):
    placed = list(change.contributions.select_related("member__profile")) if change else []
    contributions, by_id, hidden = contribution_choices(access.group, placed)
    sessions, session_by_id = _session_choices(access)
    initial = {}
    if change is not None:
        initial = {name: getattr(change, name) for name in FIELDS}
        initial["sessions"] = list(change.sessions.values_list("pk", flat=True))
        initial["contributions"] = [c.pk for c in placed if c.pk in by_id]
    form = ServiceChangeForm(
        posted(request), sessions=sessions, contributions=contributions, initial=initial
    )
    was_done = change is not None and change.status == Status.DONE

    def write(data: dict) -> None:
        service_change_save(
            group=access.group,
            acting_user=request.user,
            change=change,
            **{name: data[name] for name in FIELDS},
            sessions=[session_by_id[pk] for pk in data["sessions"]],
            contributions=[by_id[pk] for pk in data["contributions"]] + hidden,
        )

    if saved(form, write, field="you_said"):
        if form.cleaned_data["status"] == Status.DONE and not was_done:
            messages.success(request, _("Saved. The members who were part of it will be told."))
        else:
            messages.success(request, _("Saved. Members can read it on their page."))
        return redirect("sessions_app:service_changes", access.group.pk)
    return render(
        request,
        "sessions_app/staff/service_change.html",
        access.context("changes", form=form, change=change),
    )


@GET_POST
@staff_view(manage=True)
def service_change_new(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Record something members said, and what is being done about it."""
    return _change_page(request, access, None)


@GET_POST
@staff_view(manage=True)
def service_change_edit(request: HttpRequest, access: StaffAccess, change_id: int) -> HttpResponse:
    """Change one record: how far it has got, what was done, and when."""
    change = get_object_or_404(ServiceChange.objects.filter(group=access.group), pk=change_id)
    return _change_page(request, access, change)


# --- members --------------------------------------------------------------------------------


def _her_status(change: ServiceChange) -> str:
    if change.status == Status.DONE and change.done_on:
        return _("Done on %(day)s") % {"day": dates.day(change.done_on)}
    return str(HER_STATUS[change.status])


@member_view(require_safe)
def my_changes(request: HttpRequest) -> HttpResponse:
    """Every change of her groups, in plain words: what members said, what changed, who
    made it happen, when, and how far it has got. A fixed number of queries."""
    changes = (
        ServiceChange.objects.filter(group_id__in=her_group_ids(request.user))
        .select_related("group")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("member__profile").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    said = member_rows(
        [c for change in shown for c in change.contributions.all()], viewer_id=request.user.pk
    )
    by_id = {row["contribution"].pk: row for row in said}
    rows = [
        {
            "change": change,
            "status": _her_status(change),
            "said_on": dates.day(change.proposed_on),
            "said": [by_id[c.pk] for c in change.contributions.all() if c.pk in by_id],
            "group": change.group.member_facing_name,
        }
        for change in shown
    ]
    return render(
        request,
        "sessions_app/member/changes.html",
        {"page": page, "rows": rows, "many_groups": len({row["group"] for row in rows}) > 1},
    )
