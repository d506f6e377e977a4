"""The member's home, `/my/`, outside the `sessions_app` namespace: templates and
redirects name it `member_home`. It lives in the top app, which can read every app
below it; its own module so the root URLconf includes it by name (the platform imports
no domain app)."""

from django.urls import path

from sessions_app.views import member

urlpatterns = [
    path("my/", member.home, name="member_home"),
]
