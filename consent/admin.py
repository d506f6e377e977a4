"""Purposes and their wordings are data the charity edits here. A new wording is added as
a new version (members are then asked to review it); a published wording is never
edited. The ledger itself is read-only, for operators only."""

from django.contrib import admin

from consent.models import ConsentEvent, ConsentPurpose, ConsentText


class ConsentTextInline(admin.StackedInline):
    model = ConsentText
    extra = 0
    fields = ("version", "question", "explanation", "published_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentPurpose)
class ConsentPurposeAdmin(admin.ModelAdmin):
    list_display = ("slug", "order", "is_active")
    inlines = [ConsentTextInline]


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    list_display = ("at", "member_id", "purpose", "answer", "method")
    list_filter = ("purpose", "answer", "method")
    exclude = ("how_she_told_us",)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
