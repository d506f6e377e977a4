"""The member's home, `/my/`, outside the `consent` namespace: templates and redirects name it
`member_home`. Its own module so the root URLconf can include it by name without importing
consent (the platform imports no domain app)."""

from django.urls import path

from consent.views import member

urlpatterns = [
    path("my/", member.home, name="member_home"),
]
