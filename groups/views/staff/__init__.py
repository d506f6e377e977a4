"""Staff pages, by area: her home and her training, a group's people, its training, its
agreement. Every page of a group goes through `groups.access.staff_view`; the pages are
HTTP only, their reads are in `groups.staff_summaries` and their writes in `groups.services`.
"""

from groups.views.staff.agreement import (
    agreement_drafts,
    agreement_edit,
    agreement_proposal_answer,
    agreement_publish,
)
from groups.views.staff.home import home, my_training
from groups.views.staff.people import (
    invite,
    member_detail,
    member_password_link,
    member_support_plan,
    roster,
)
from groups.views.staff.training import group_training

__all__ = [
    "agreement_drafts",
    "agreement_edit",
    "agreement_proposal_answer",
    "agreement_publish",
    "group_training",
    "home",
    "invite",
    "member_detail",
    "member_password_link",
    "member_support_plan",
    "my_training",
    "roster",
]
