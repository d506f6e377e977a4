from django.contrib import admin

from coproduction.core.admin import NoWrites
from coproduction.outbox.models import Message


@admin.register(Message)
class MessageAdmin(NoWrites, admin.ModelAdmin):
    """For the operator: what is waiting, held or failed, and why. Never the text, which
    is hers; partner admins do not see the outbox at all."""

    list_display = ("created_at", "kind", "channel", "status", "due_at", "attempts", "last_error")
    list_filter = ("status", "channel", "kind")
    exclude = ("subject", "body")

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
