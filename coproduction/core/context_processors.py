from django.conf import settings


def hearth(request):
    """What every page needs: the neutral site name, the exit destination, and which
    base template (member portal or staff pages) the person signed in should get."""
    user = getattr(request, "user", None)
    is_staff_page = bool(user and user.is_authenticated and not user.is_member)
    return {
        "site_name": settings.HEARTH_SITE_NAME,
        "exit_url": settings.HEARTH_EXIT_URL,
        "base_template": "base_staff.html" if is_staff_page else "base_member.html",
    }
