"""The member portal: her own details, contacts, plan, and her place in each group.

Every page is for members only (staff get 403) and reaches her things through her:
her memberships by `groups.member_pages.current_membership`, her support contacts by
`request.user.support_contacts`. Writes go through `groups.services`; a refusal from
a service is shown on the form, never as an error page. Split by area; the names stay
importable from here for `groups/urls.py`.
"""

from groups.views.member.agreement import agreement, agreement_comment
from groups.views.member.breaks import come_back, leave, step_back
from groups.views.member.details import contact, details, support_contact_remove, support_contacts
from groups.views.member.join import join
from groups.views.member.plan import support_plan, support_plan_sharing, support_plan_views

__all__ = [
    "agreement",
    "agreement_comment",
    "come_back",
    "contact",
    "details",
    "join",
    "leave",
    "step_back",
    "support_contact_remove",
    "support_contacts",
    "support_plan",
    "support_plan_sharing",
    "support_plan_views",
]
