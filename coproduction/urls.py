from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from coproduction.core import views

# The admin signs in through allauth, so its login gets rate limits and MFA too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Hearth administration"
admin.site.site_title = "Hearth administration"

# Each in the shell of the person who sees it (member or staff), with a way back.
handler400 = "coproduction.core.views.bad_request"
handler403 = "coproduction.core.views.permission_denied"
handler404 = "coproduction.core.views.page_not_found"
handler500 = "coproduction.core.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    # Each audience's home keeps its un-namespaced name; included by dotted name, since the
    # platform imports no domain app.
    path("", include("sessions_app.urls_home")),
    path("", include("groups.urls_home")),
    path("exit/", views.exit_this_page, name="exit"),
    path("leaving-quickly/", views.exit_explained, name="exit_explained"),
    path("healthz/", views.healthz, name="healthz"),
    path("", include("coproduction.accounts.urls")),
    path("", include("groups.urls")),
    path("", include("consent.urls")),
    path("", include("sessions_app.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
