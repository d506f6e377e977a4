from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coproduction.core.admin import NoWrites
from groups.admin import is_partner_admin, partner_scope
from groups.models import Membership
from sessions_app.models import SupportRequest


@admin.register(SupportRequest)
class SupportRequestAdmin(NoWrites, admin.ModelAdmin):
    """For the funder's report: how many support requests members of her organisation's
    groups made, by month, how, and whether they were taken in hand. Counts only: no
    name, no day, nothing that was done, and no page for any one request."""

    list_display = ("month", "source", "in_hand")
    list_display_links = None
    list_filter = ("source",)

    def get_queryset(self, request):
        scope = partner_scope(request)
        requests = super().get_queryset(request)
        if scope is None:
            return requests
        members = Membership.objects.members().filter(group__in=scope).values("user_id")
        return requests.filter(member_id__in=members)

    @admin.display(description=_("Month"))
    def month(self, obj) -> str:
        return date_format(obj.created_at, "F Y")

    @admin.display(description=_("In hand"), boolean=True)
    def in_hand(self, obj) -> bool:
        return not obj.is_open

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_partner_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and self.has_module_permission(request)
