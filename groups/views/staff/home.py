"""Her own staff pages, outside any group: her home and her training records.

These have no group, so they keep `require_staff` rather than the group access object.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from coproduction.core.http import GET_POST, posted
from groups import services
from groups.forms.staff import TrainingForm
from groups.models import Training
from groups.permissions import require_staff
from groups.staff_summaries import staff_home
from groups.training_grid import missing_kinds


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The groups she works in, who needs follow-up, and whether her training is current."""
    require_staff(request.user)
    page = staff_home(request.user)
    return render(
        request,
        "groups/staff/home.html",
        {"summaries": page.summaries, "my_missing": page.my_missing},
    )


@GET_POST
@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    """Her own training records, and a form to add one."""
    require_staff(request.user)
    form = TrainingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already = Training.objects.filter(
            person=request.user, kind=data["kind"], completed_on=data["completed_on"]
        ).exists()
        try:
            services.training_record(
                person=request.user,
                acting_user=request.user,
                kind=data["kind"],
                completed_on=data["completed_on"],
                expires_on=data["expires_on"],
                provider=data["provider"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if already:
                messages.info(request, gettext("That training was already recorded."))
            else:
                messages.success(request, gettext("Training recorded."))
            return redirect("groups:my_training")
    today = timezone.localdate()
    records = list(request.user.training_records.all())
    return render(
        request,
        "groups/staff/my_training.html",
        {
            "form": form,
            "records": [(record, record.is_current(today)) for record in records],
            "missing": missing_kinds(records, request.user.pk, today),
        },
    )
