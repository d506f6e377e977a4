"""The staff home, `/staff/`, outside the `groups` namespace: templates and redirects name it
`staff_home`. Its own module so the root URLconf can include it by name without importing
groups (the platform imports no domain app)."""

from django.urls import path

from groups.views import staff

urlpatterns = [
    path("staff/", staff.home, name="staff_home"),
]
