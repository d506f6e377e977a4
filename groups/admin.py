from django.contrib import admin

from groups.models import CoproGroup, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    filter_horizontal = ("partner_admins",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "group"
    raw_id_fields = ("user", "invited_by")


@admin.register(CoproGroup)
class CoproGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "member_facing_name")
    filter_horizontal = ("organisations",)
    inlines = [MembershipInline]
