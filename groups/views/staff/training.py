"""A group's training page: every facilitator's and support worker's records."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from groups.access import StaffAccess, staff_view
from groups.models import CoproGroup, Training
from groups.training_grid import training_grid


@require_safe
@staff_view
def group_training(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    """Every facilitator's and support worker's training, kind by kind, with its expiry."""
    group = access.group
    return render(
        request,
        "groups/staff/group_training.html",
        access.context(
            "training",
            rows=training_grid(group),
            kinds=[label for _, label in Training.Kind.choices],
            blocks=group.training_policy == CoproGroup.TrainingPolicy.BLOCK,
        ),
    )
