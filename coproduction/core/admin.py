"""Third-party admin pages, held to Hearth's rule that no input answers a server error.

allauth and django-celery-beat register these; their forms trust what is posted. The
operator is the only person who reaches them.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from celery.schedules import ParseException, crontab
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from coproduction.core.changelists import DateHierarchyAdmin

CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
NOT_A_SCHEDULE = _("This is not a schedule celery can run: %(error)s")


class NoWrites:
    """An admin (or inline) that shows rows and never adds, changes or deletes one: for
    records kept append-only, whose every change goes through a service."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HearthAuthenticatorAdmin(AuthenticatorAdmin):
    """An authenticator holds her second factor's secret or key: the operator may see
    that one exists and delete a lost one, never write its raw data by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CrontabScheduleForm(forms.ModelForm):
    class Meta:
        model = CrontabSchedule
        fields = (*CRONTAB_FIELDS, "timezone")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        spec = {name: data[name] for name in CRONTAB_FIELDS if data.get(name)}
        if len(spec) == len(CRONTAB_FIELDS):
            try:
                crontab(**spec)
            except (ParseException, ValueError) as error:
                raise forms.ValidationError(NOT_A_SCHEDULE, params={"error": error}) from None
        return data


class HearthCrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    """A schedule the scheduler could not parse is refused on the form; before, it was
    saved (and beat failed later) or, shown back, the page failed."""

    form = CrontabScheduleForm
    fields = ("schedule_in_words", *CRONTAB_FIELDS, "timezone")
    readonly_fields = ("schedule_in_words",)
    list_display = ("__str__", "schedule_in_words")

    @admin.display(description=_("Human readable"))
    def schedule_in_words(self, obj) -> str:
        try:
            return obj.human_readable
        except (ParseException, ValueError):
            return "-"


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    def clean(self):
        # A task name longer than the column is already that field's error; the parent's
        # clean() would look it up and fail with KeyError.
        if "task" not in self.cleaned_data and not self.cleaned_data.get("regtask"):
            return self.cleaned_data
        return super().clean()


class HearthPeriodicTaskAdmin(DateHierarchyAdmin, beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm


for model, model_admin in (
    (Authenticator, HearthAuthenticatorAdmin),
    (CrontabSchedule, HearthCrontabScheduleAdmin),
    (PeriodicTask, HearthPeriodicTaskAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
