"""The admin site, for charity partners (partner admins) and operators.

A partner admin sees only her organisations' groups, their staff and training
records, and counts — never a member's support plan, contact details or safe-contact
profile: those models are not registered here at all.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups import services
from groups.models import CoproGroup, Membership, Organisation, Training, preferred_name

STAFF_ROLES = [Membership.Role.FACILITATOR, Membership.Role.SUPPORT_WORKER]


def partner_scope(request) -> QuerySet[CoproGroup] | None:
    """The groups a partner admin may see, or None for a superuser (everything)."""
    if request.user.is_superuser:
        return None
    return CoproGroup.objects.filter(organisations__partner_admins=request.user).distinct()


def is_partner_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.administered_organisations.exists()


def person_name(user) -> str:
    """How the admin names someone: staff by full name, a member by the name she chose."""
    if user.is_member:
        return preferred_name(user)
    return user.get_full_name() or user.username


def staff_of(groups) -> QuerySet:
    """The facilitators and support workers currently in any of `groups`, by name."""
    return (
        get_user_model()
        .objects.filter(
            memberships__group__in=groups,
            memberships__role__in=STAFF_ROLES,
            memberships__status__in=[Membership.Status.ACTIVE, Membership.Status.STEPPED_BACK],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


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
    list_display = ("name", "kind", "staff_names")
    filter_horizontal = ("partner_admins",)
    readonly_fields = ("staff_list",)

    def scope(self, request, queryset):
        return queryset.filter(partner_admins=request.user)

    @admin.display(description=_("Staff"))
    def staff_names(self, obj) -> str:
        return ", ".join(person_name(user) for user in staff_of(obj.groups.all()))

    @admin.display(description=_("Staff in its groups"))
    def staff_list(self, obj) -> str:
        if obj.pk is None:
            return ""
        roles = dict(Membership.Role.choices)
        memberships = (
            Membership.objects.current()
            .filter(group__organisations=obj, role__in=STAFF_ROLES)
            .select_related("user", "group")
            .order_by("user__first_name", "user__last_name", "group__name")
        )
        return format_html_join(
            "\n",
            "<p>{} – {}, {}</p>",
            ((person_name(m.user), roles[m.role], m.group.name) for m in memberships),
        ) or gettext("No staff yet.")


class MembershipInline(admin.TabularInline):
    """Who is in the group, in which role and status; nothing about how to reach members.
    A partner admin sees the staff, by name; the members are counts on the list."""

    model = Membership
    fk_name = "group"
    extra = 0
    fields = ("person", "role", "status", "joined_at", "supported_by")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        memberships = (
            super().get_queryset(request).select_related("user__profile", "support_worker")
        )
        return memberships if request.user.is_superuser else memberships.staff()

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or is_partner_admin(request)

    @admin.display(description=_("Person"))
    def person(self, obj) -> str:
        return person_name(obj.user)

    @admin.display(description=_("Support worker"))
    def supported_by(self, obj) -> str:
        return person_name(obj.support_worker) if obj.support_worker else "–"

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoproGroup)
class CoproGroupAdmin(PartnerScopedAdmin):
    list_display = (
        "name", "member_facing_name", "active_members", "stepped_back", "staff",
        "safeguarding",
    )  # fmt: skip
    list_select_related = ("safeguarding_lead",)
    filter_horizontal = ("organisations",)
    inlines = [MembershipInline]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=partner_scope(request).values("pk"))

    def get_fields(self, request, obj=None):
        # Read-only, the lead would be a link to a person's account page she cannot open.
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return ["safeguarding" if name == "safeguarding_lead" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, "safeguarding")

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

    @admin.display(description=_("Active members"), ordering="n_active")
    def active_members(self, obj) -> int:
        return obj.n_active

    @admin.display(description=_("Stepped back"), ordering="n_stepped_back")
    def stepped_back(self, obj) -> int:
        return obj.n_stepped_back

    @admin.display(description=_("Staff"), ordering="n_staff")
    def staff(self, obj) -> int:
        return obj.n_staff

    @admin.display(description=_("Safeguarding lead"))
    def safeguarding(self, obj) -> str:
        lead = obj.safeguarding_lead
        if lead is None:
            return gettext("None named")
        trained = (
            Training.objects.current().filter(person=lead, kind=Training.Kind.SAFEGUARDING).exists()
        )
        if trained:
            return person_name(lead)
        return gettext("%(name)s – safeguarding training lapsed") % {"name": person_name(lead)}


def _renewed() -> Exists:
    """Whether the same person has a current record of the same kind."""
    return Exists(
        Training.objects.current().filter(person=OuterRef("person"), kind=OuterRef("kind"))
    )


class LapsedFilter(admin.SimpleListFilter):
    """Records that have run out with nothing current in their place: what needs doing."""

    title = _("lapsed")
    parameter_name = "lapsed"

    def lookups(self, request, model_admin):
        return [("yes", _("Lapsed")), ("no", _("Current"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(expires_on__lt=timezone.localdate(), renewed=False)
        if self.value() == "no":
            return queryset.exclude(expires_on__lt=timezone.localdate(), renewed=False)
        return queryset


class PersonFilter(admin.SimpleListFilter):
    """Her organisations' staff, by name, so she can see one person's records together."""

    title = _("person")
    parameter_name = "person"

    def lookups(self, request, model_admin):
        return [(str(user.pk), person_name(user)) for user in model_admin.people(request)]

    def queryset(self, request, queryset):
        chosen = {pk for pk, _name in self.lookup_choices}
        if self.value() in chosen:
            return queryset.filter(person_id=self.value())
        return queryset


class TrainingAdminForm(forms.ModelForm):
    """The admin's training form: the services' date checks show as form errors."""

    class Meta:
        model = Training
        fields = ("person", "kind", "completed_on", "expires_on", "provider")

    def clean(self):
        data = super().clean()
        if data.get("completed_on"):
            try:
                services.training_dates_check(
                    completed_on=data["completed_on"], expires_on=data.get("expires_on")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Training)
class TrainingAdmin(PartnerScopedAdmin):
    """Training records of the staff of her organisations' groups, which she keeps up to date."""

    partner_can_edit = True
    list_display = ("name", "kind", "completed_on", "expires_on", "state", "provider")
    list_filter = (PersonFilter, "kind", LapsedFilter)
    list_select_related = ("person",)
    ordering = ("person__first_name", "person__last_name", "kind", "-completed_on")
    form = TrainingAdminForm
    fields = ("person", "kind", "completed_on", "expires_on", "provider")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(renewed=_renewed())

    def scope(self, request, queryset):
        return queryset.filter(person__in=self._staff(request))

    def _staff(self, request):
        return get_user_model().objects.filter(
            memberships__group__in=partner_scope(request),
            memberships__role__in=STAFF_ROLES,
        )

    def people(self, request) -> QuerySet:
        """Whose records she keeps: her groups' staff, or for an operator anyone with one."""
        if request.user.is_superuser:
            people = get_user_model().objects.filter(training_records__isnull=False)
        else:
            people = self._staff(request)
        return people.distinct().order_by("first_name", "last_name", "username")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person" and not request.user.is_superuser:
            kwargs["queryset"] = self._staff(request).distinct()
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "person":
            field.label_from_instance = person_name
        return field

    @admin.display(description=_("Person"), ordering="person__first_name")
    def name(self, obj) -> str:
        return person_name(obj.person)

    @admin.display(description=_("Now"))
    def state(self, obj) -> str:
        if obj.expires_on is None or obj.expires_on >= timezone.localdate():
            return gettext("Current")
        expired = date_format(obj.expires_on, "j M Y")
        if getattr(obj, "renewed", False):
            return gettext("Ran out %(date)s; renewed since") % {"date": expired}
        return gettext("Lapsed on %(date)s") % {"date": expired}

    def save_model(self, request, obj, form, change):
        """Write through the training services, so the admin site's records pass the same
        checks and leave the same audit rows as her own page's."""
        if change:
            services.training_correct(
                training=Training.objects.get(pk=obj.pk),
                acting_user=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
            obj.recorded_by = request.user
            return
        training = services.training_record(
            person=obj.person,
            acting_user=request.user,
            kind=obj.kind,
            completed_on=obj.completed_on,
            expires_on=obj.expires_on,
            provider=obj.provider,
        )
        # The admin goes on to log the addition and redirect to `obj`: make it the record.
        obj.pk, obj.recorded_by, obj.recorded_at = (
            training.pk,
            training.recorded_by,
            training.recorded_at,
        )
        obj._state.adding, obj._state.db = False, training._state.db
