"""The admin site, for charity partners (partner admins) and operators.

A partner admin sees only her organisations' groups, their staff and training
records, and counts — never a member's support plan, contact details or safe-contact
profile: those models are not registered here at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet

from coproduction.audit.services import audit_record
from groups.models import CoproGroup, Membership, Organisation, Training


def partner_scope(request) -> QuerySet[CoproGroup] | None:
    """The groups a partner admin may see, or None for a superuser (everything)."""
    if request.user.is_superuser:
        return None
    return CoproGroup.objects.filter(organisations__partner_admins=request.user).distinct()


def is_partner_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.administered_organisations.exists()


class PartnerScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; a partner admin sees her scope, read-only unless
    `partner_can_edit`; anyone else nothing."""

    partner_can_edit = False

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope(request, queryset)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_partner_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not is_partner_admin(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        return self.partner_can_edit and self.has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or (self.partner_can_edit and is_partner_admin(request))

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(PartnerScopedAdmin):
    list_display = ("name", "kind")
    filter_horizontal = ("partner_admins",)

    def scope(self, request, queryset):
        return queryset.filter(partner_admins=request.user)


class MembershipInline(admin.TabularInline):
    """Who is in the group, in which role and status; nothing about how to reach members."""

    model = Membership
    fk_name = "group"
    extra = 0
    fields = ("user", "role", "status", "joined_at", "support_worker")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoproGroup)
class CoproGroupAdmin(PartnerScopedAdmin):
    list_display = ("name", "member_facing_name", "active_members", "stepped_back", "staff")
    filter_horizontal = ("organisations",)
    inlines = [MembershipInline]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=partner_scope(request).values("pk"))

    def get_queryset(self, request):
        member = Q(memberships__role=Membership.Role.MEMBER)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_active=Count(
                    "memberships", filter=member & Q(memberships__status=Membership.Status.ACTIVE)
                ),
                n_stepped_back=Count(
                    "memberships",
                    filter=member & Q(memberships__status=Membership.Status.STEPPED_BACK),
                ),
                n_staff=Count(
                    "memberships",
                    filter=~member
                    & Q(
                        memberships__status__in=[
                            Membership.Status.ACTIVE,
                            Membership.Status.STEPPED_BACK,
                        ]
                    ),
                ),
            )
        )

    @admin.display(description="Active members", ordering="n_active")
    def active_members(self, obj) -> int:
        return obj.n_active

    @admin.display(description="Stepped back", ordering="n_stepped_back")
    def stepped_back(self, obj) -> int:
        return obj.n_stepped_back

    @admin.display(description="Staff", ordering="n_staff")
    def staff(self, obj) -> int:
        return obj.n_staff


@admin.register(Training)
class TrainingAdmin(PartnerScopedAdmin):
    """Training records of the staff of her organisations' groups, which she keeps up to date."""

    partner_can_edit = True
    list_display = ("person", "kind", "completed_on", "expires_on", "provider")
    list_filter = ("kind",)
    list_select_related = ("person",)
    fields = ("person", "kind", "completed_on", "expires_on", "provider")

    def scope(self, request, queryset):
        return queryset.filter(person__in=self._staff(request))

    def _staff(self, request):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(
            memberships__group__in=partner_scope(request),
            memberships__role__in=[Membership.Role.FACILITATOR, Membership.Role.SUPPORT_WORKER],
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person" and not request.user.is_superuser:
            kwargs["queryset"] = self._staff(request).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="training.admin_save", subject=obj)
