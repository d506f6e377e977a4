"""Erasure steps for what the groups app keeps of her outside her own rows."""

from __future__ import annotations

from django.db.models import Q

from coproduction import crypto
from coproduction.core import erasure
from groups.models import Invitation, SafeContactProfile


@erasure.identifies
def her_contact_details(person: erasure.Person) -> None:
    """Her phone (read now, while her data key exists) and the address and phone her
    invitation went to, which may differ from the ones on her account."""
    for profile in SafeContactProfile.objects.filter(member_id=person.pk):
        person.add_phone(profile.phone)
    for invitation in Invitation.objects.filter(membership__user_id=person.pk):
        person.add_email(invitation.email)
        person.add_phone(invitation.phone)


@erasure.step("groups.invitations", order=erasure.FIND_BY_ADDRESS)
def delete_invitations(person: erasure.Person) -> None:
    """Delete the invitation she joined by and every other sent to her address or
    phone, accepted or not. One sent before anyone knew her address is held under a
    key of its own (a negative owner id), which destroying her data key does not
    reach, so that key is destroyed here too."""
    invitations = Invitation.objects.all()
    hers = Q(membership__user_id=person.pk)
    for email in person.emails:
        hers |= Q(pk__in=invitations.to_address(email=email).values("pk"))
    for phone in person.phones:
        hers |= Q(pk__in=invitations.to_address(phone=phone).values("pk"))
    found = Invitation.objects.filter(hers)
    for owner_id in found.filter(key_owner_id__lt=0).values_list("key_owner_id", flat=True):
        crypto.data_key_destroy(owner_id)
    erasure.admin_log_forget(model=Invitation, pks=list(found.values_list("pk", flat=True)))
    found.delete()
