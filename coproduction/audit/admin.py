from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from coproduction.audit.models import AuditEvent


class DateHierarchyChangeList(ChangeList):
    """Django turns a year or month too big for a date (`?at__year=99999999999999999999`)
    into OverflowError, not the "bad filter" answer it gives other wrong values."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only in the database and here."""

    list_display = ("at", "actor", "action", "subject_type", "subject_id", "subject_user")
    list_filter = ("action",)
    date_hierarchy = "at"
    list_select_related = ("actor", "subject_user")

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
