from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from coproduction.accounts.models import User


@admin.register(User)
class HearthUserAdmin(UserAdmin):
    list_display = ("username", "email", "kind", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_superuser", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Hearth", {"fields": ("kind",)}))
