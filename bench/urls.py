"""The project's URLs plus the bench's bare view (bench settings only)."""

from django.urls import include, path

from bench.views import bare

# include() does not carry a URL conf's error handlers: the project's own, re-exported.
from coproduction.urls import handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("coproduction.urls")),
]
