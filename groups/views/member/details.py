"""Her details, how she may be contacted, and the people who can support her."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coproduction.core.http import GET_POST, posted, show_refusal
from groups import services
from groups.forms.member import ProfileForm, SafeContactForm, SupportContactForm
from groups.member_pages import profile_initial, safe_contact
from groups.views.member.portal import member_view, saved


@member_view(GET_POST)
def details(request: HttpRequest) -> HttpResponse:
    """Her name, pronouns and what helps her take part; all but the name can be skipped."""
    form = ProfileForm(posted(request), initial=profile_initial(request.user))
    me = request.user
    if saved(form, lambda data: services.profile_update(member=me, acting_user=me, **data)):
        messages.success(request, gettext("Your details are saved."))
        return redirect("member_home")
    return render(request, "groups/member/details.html", {"form": form})


@member_view(GET_POST)
def contact(request: HttpRequest) -> HttpResponse:
    """How, when and in what words she may be contacted. Saving also confirms it."""
    profile, initial = safe_contact(request.user)
    form = SafeContactForm(posted(request), initial=initial)
    me = request.user
    if saved(form, lambda data: services.safe_contact_update(member=me, acting_user=me, **data)):
        messages.success(request, gettext("Saved. Thank you for checking."))
        return redirect("member_home")
    return render(request, "groups/member/contact.html", {"form": form, "saved": profile})


@member_view(GET_POST)
def support_contacts(request: HttpRequest) -> HttpResponse:
    """The people she may be put in touch with, and adding one."""
    form = SupportContactForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            contact = services.support_contact_add(
                member=request.user, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, gettext("%(name)s is added.") % {"name": contact.display_name}
            )
            return redirect("groups:my_support_contacts")
    contacts = request.user.support_contacts.select_related("staff_user")
    return render(
        request, "groups/member/support_contacts.html", {"form": form, "contacts": contacts}
    )


@member_view(require_POST)
def support_contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Remove one of her support contacts."""
    contact = get_object_or_404(
        request.user.support_contacts.select_related("staff_user"), pk=contact_id
    )
    name = contact.display_name
    services.support_contact_remove(contact=contact, acting_user=request.user)
    messages.success(
        request,
        gettext("%(name)s is removed. We will not contact them for you.") % {"name": name},
    )
    return redirect("groups:my_support_contacts")
