from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coproduction.core.admin import NoWrites
from coproduction.core.changelists import DateHierarchyAdmin
from groups.admin import PartnerScopedAdmin, is_partner_admin, partner_scope
from groups.models import Membership
from sessions_app.models import Attendance, GroupSession, ServiceChange, SupportRequest


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


@admin.register(GroupSession)
class GroupSessionAdmin(DateHierarchyAdmin, NoWrites, PartnerScopedAdmin):
    """The sessions of her organisation's groups, for the funder's report: when, which
    group, and whether it was held. Planning is done on the facilitators' pages."""

    list_display = ("starts_at", "group", "internal_title", "status")
    # Only her own groups in the filter: another charity's group names are not hers.
    list_filter = ("status", ("group", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("group",)
    date_hierarchy = "starts_at"
    fields = ("group", "internal_title", "starts_at", "ends_at", "status")

    def scope(self, request, queryset):
        return queryset.filter(group__in=partner_scope(request))


@admin.register(Attendance)
class InvolvementHoursAdmin(NoWrites, admin.ModelAdmin):
    """Involvement hours, for the funder's report: how many came to which session, for
    how long. Counted, not named: the partner sees that a member is in the group, never
    who (her "Who sees what" says so), and paying her is the facilitators' work. Only
    those who came: not coming is nobody's business and counts against no one."""

    list_display = ("session_day", "group", "hours")
    list_display_links = None
    list_filter = (("session__group", admin.RelatedOnlyFieldListFilter),)

    def get_queryset(self, request):
        scope = partner_scope(request)
        rows = super().get_queryset(request).filter(came=True).select_related("session__group")
        return rows if scope is None else rows.filter(session__group__in=scope)

    @admin.display(description=_("Session"), ordering="session__starts_at")
    def session_day(self, obj) -> str:
        return date_format(obj.session.starts_at, "j F Y")

    @admin.display(description=_("Group"))
    def group(self, obj) -> str:
        return obj.session.group.name

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_partner_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and self.has_module_permission(request)


@admin.register(ServiceChange)
class ServiceChangeAdmin(DateHierarchyAdmin, NoWrites, PartnerScopedAdmin):
    """ "You said, we did" in her organisation's groups, for the funder's report: what
    members said, what changed, who made it happen and when. Kept by the facilitators,
    whose saving tells the members part of it; never the members' own contributions."""

    list_display = ("group", "you_said", "status", "made_by", "proposed_on", "done_on")
    list_filter = ("status", ("group", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("group",)
    date_hierarchy = "proposed_on"
    fields = ("group", "you_said", "we_did", "made_by", "status", "why_not", "proposed_on",
              "done_on")  # fmt: skip

    def scope(self, request, queryset):
        return queryset.filter(group__in=partner_scope(request))
