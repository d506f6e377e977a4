"""Purposes and their wordings are data the charity edits here. A new wording is added as
a new version (members are then asked to review it); a published wording is never
edited. The ledger itself is read-only, for operators only."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consent.models import (
    Answer,
    ConsentEvent,
    ConsentPurpose,
    ConsentText,
    ContactSharedWithCharity,
    CurrentAnswer,
)
from coproduction.audit.services import audit_record
from coproduction.core.admin import NoWrites
from groups.admin import is_partner_admin, partner_scope
from groups.models import Membership, preferred_name

SHARE = "share_contact_with_partner"


class ConsentTextInline(admin.StackedInline):
    """A new version of a question's wording may be added; a published one never changes."""

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
class ConsentEventAdmin(NoWrites, admin.ModelAdmin):
    list_display = ("at", "member_id", "purpose", "answer", "method")
    list_filter = ("purpose", "answer", "method")
    exclude = ("how_she_told_us",)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(ContactSharedWithCharity)
class ContactSharedWithCharityAdmin(NoWrites, admin.ModelAdmin):
    """A partner admin sees the contact details of members of her organisation's groups who
    said yes to sharing them with the charity — and how they said they may be contacted.
    Withdrawing removes her from this list at once. Every listing is audited per member."""

    list_display = ("name", "email", "phone", "ways", "days", "hours", "sender_name")
    list_select_related = ("member__profile",)
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request):
        sharing = CurrentAnswer.objects.filter(
            member_id__in=self._members(request), purpose__slug=SHARE, answer=Answer.YES
        ).values("member_id")
        return super().get_queryset(request).filter(member_id__in=sharing)

    def _members(self, request):
        scope = partner_scope(request)
        memberships = Membership.objects.current().members()
        if scope is not None:
            memberships = memberships.filter(group__in=scope)
        return list(memberships.values_list("user_id", flat=True).distinct())

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_partner_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    @staticmethod
    def _audit_view(request, profile) -> None:
        audit_record(
            actor=request.user,
            action="contact.charity_view",
            subject=profile,
            subject_user=profile.member,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        for profile in changelist.result_list if changelist else []:
            self._audit_view(request, profile)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # get_object answers None for an id that is not a number, as the admin itself does.
        profile = self.get_object(request, object_id)
        if profile is not None:
            self._audit_view(request, profile)
        return response

    @admin.display(description=_("Name"))
    def name(self, obj) -> str:
        return preferred_name(obj.member, default="")

    @admin.display(description=_("Email"))
    def email(self, obj) -> str:
        return obj.member.email

    @admin.display(description=_("Ways she said are safe"))
    def ways(self, obj) -> str:
        return ", ".join(obj.get_channels_display()) or gettext("She will get in touch")

    @admin.display(description=_("Safe days"))
    def days(self, obj) -> str:
        return ", ".join(obj.get_safe_days_display())

    @admin.display(description=_("Safe hours"))
    def hours(self, obj) -> str:
        return f"{obj.safe_from:%H:%M}–{obj.safe_until:%H:%M}"
