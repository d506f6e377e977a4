"""Writes for groups and people, and the audited reads. Each is atomic, audited, and safe
to call twice.

Split by area; every public function is imported here, so `from groups import services`
and `services.training_record(...)` work whichever module holds it.
"""

from groups.services.agreement import (
    agreement_comment,
    agreement_draft_save,
    agreement_proposal_answer,
    agreement_publish,
    agreement_respond,
)
from groups.services.joining import (
    INVITATION_DAYS,
    JoinChoices,
    invitation_accept,
    invitation_create,
    invitation_for_token,
)
from groups.services.memberships import (
    BREAK_TOO_LONG,
    latest_break_end,
    membership_come_back,
    membership_leave,
    membership_step_back,
    memberships_return_due,
)
from groups.services.people import (
    profile_update,
    safe_contact_update,
    support_contact_add,
    support_contact_remove,
    support_plan_read,
    support_plan_save,
    support_plan_share,
)
from groups.services.reads import MemberPage, member_page_read
from groups.services.training import training_correct, training_dates_check, training_record

__all__ = [
    "BREAK_TOO_LONG",
    "INVITATION_DAYS",
    "JoinChoices",
    "MemberPage",
    "agreement_comment",
    "agreement_draft_save",
    "agreement_proposal_answer",
    "agreement_publish",
    "agreement_respond",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "latest_break_end",
    "membership_come_back",
    "membership_leave",
    "membership_step_back",
    "member_page_read",
    "memberships_return_due",
    "profile_update",
    "safe_contact_update",
    "support_contact_add",
    "support_contact_remove",
    "support_plan_read",
    "support_plan_save",
    "support_plan_share",
    "training_correct",
    "training_dates_check",
    "training_record",
]
