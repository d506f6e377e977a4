"""The bare view: the cheapest signed-in page, through the same middleware as every page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    """A tiny response for a signed-in person: the floor each page is compared with."""
    return HttpResponse(b"bare", content_type="text/plain")
