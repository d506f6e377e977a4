from django.urls import include, path

from groups.views import member, staff

app_name = "groups"

# The member portal: her own things, below my/.
portal_pages = [
    path("details/", member.details, name="my_details"),
    path("contact/", member.contact, name="my_contact"),
    path("people/", member.support_contacts, name="my_support_contacts"),
    path(
        "people/<int:contact_id>/remove/",
        member.support_contact_remove,
        name="my_support_contact_remove",
    ),
    path("plan/", member.support_plan, name="my_support_plan"),
    path("plan/who-can-see/", member.support_plan_sharing, name="my_support_plan_sharing"),
    path("plan/who-looked/", member.support_plan_views, name="my_support_plan_views"),
    path("groups/<int:group_id>/step-back/", member.step_back, name="my_step_back"),
    path("groups/<int:group_id>/come-back/", member.come_back, name="my_come_back"),
    path("groups/<int:group_id>/leave/", member.leave, name="my_leave"),
    path("groups/<int:group_id>/agreement/", member.agreement, name="my_agreement"),
    path(
        "groups/<int:group_id>/agreement/comment/",
        member.agreement_comment,
        name="my_agreement_comment",
    ),
]

# One member's pages, below a group's staff pages.
member_pages = [
    path("", staff.member_detail, name="member_detail"),
    path("support-plan/", staff.member_support_plan, name="member_support_plan"),
    path("new-password-link/", staff.member_password_link, name="member_password_link"),
]

# A group's staff pages, below staff/groups/<group_id>/.
group_pages = [
    path("", staff.roster, name="roster"),
    path("invite/", staff.invite, name="invite"),
    path("members/<int:membership_id>/", include(member_pages)),
    path("training/", staff.group_training, name="group_training"),
    path("agreement/", staff.agreement_drafts, name="agreement_drafts"),
    path("agreement/<int:version_id>/", staff.agreement_edit, name="agreement_edit"),
    path("agreement/<int:version_id>/publish/", staff.agreement_publish, name="agreement_publish"),
    path(
        "agreement/proposals/<int:comment_id>/answer/",
        staff.agreement_proposal_answer,
        name="agreement_proposal_answer",
    ),
]

urlpatterns = [
    # Joining, from the single-use link.
    path("join/<str:token>/", member.join, name="join"),
    path("my/", include(portal_pages)),
    path("staff/groups/<int:group_id>/", include(group_pages)),
    path("staff/training/", staff.my_training, name="my_training"),
]
