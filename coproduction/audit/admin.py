from django.contrib import admin

from coproduction.audit.models import AuditEvent
from coproduction.core.admin import NoWrites
from coproduction.core.changelists import DateHierarchyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(DateHierarchyAdmin, NoWrites, admin.ModelAdmin):
    """Read-only: the trail is append-only in the database and here."""

    list_display = ("at", "actor", "action", "subject_type", "subject_id", "subject_user")
    list_filter = ("action",)
    date_hierarchy = "at"
    list_select_related = ("actor", "subject_user")
