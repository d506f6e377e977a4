from django.urls import path

from groups.views import member, staff

app_name = "groups"

urlpatterns = [
    # Joining, from the single-use link.
    path("join/<str:token>/", member.join, name="join"),
    # The member portal: her own things.
    path("my/details/", member.details, name="my_details"),
    path("my/contact/", member.contact, name="my_contact"),
    path("my/people/", member.support_contacts, name="my_support_contacts"),
    path(
        "my/people/<int:contact_id>/remove/",
        member.support_contact_remove,
        name="my_support_contact_remove",
    ),
    path("my/plan/", member.support_plan, name="my_support_plan"),
    path("my/plan/who-can-see/", member.support_plan_sharing, name="my_support_plan_sharing"),
    path("my/plan/who-looked/", member.support_plan_views, name="my_support_plan_views"),
    path("my/groups/<int:group_id>/step-back/", member.step_back, name="my_step_back"),
    path("my/groups/<int:group_id>/come-back/", member.come_back, name="my_come_back"),
    path("my/groups/<int:group_id>/leave/", member.leave, name="my_leave"),
    path("my/groups/<int:group_id>/agreement/", member.agreement, name="my_agreement"),
    path(
        "my/groups/<int:group_id>/agreement/comment/",
        member.agreement_comment,
        name="my_agreement_comment",
    ),
    # Staff pages.
    path("staff/groups/<int:group_id>/", staff.roster, name="roster"),
    path("staff/groups/<int:group_id>/invite/", staff.invite, name="invite"),
    path(
        "staff/groups/<int:group_id>/members/<int:membership_id>/",
        staff.member_detail,
        name="member_detail",
    ),
    path(
        "staff/groups/<int:group_id>/members/<int:membership_id>/support-plan/",
        staff.member_support_plan,
        name="member_support_plan",
    ),
    path(
        "staff/groups/<int:group_id>/members/<int:membership_id>/new-password-link/",
        staff.member_password_link,
        name="member_password_link",
    ),
    path("staff/groups/<int:group_id>/training/", staff.group_training, name="group_training"),
    path("staff/training/", staff.my_training, name="my_training"),
    path("staff/groups/<int:group_id>/agreement/", staff.agreement_drafts, name="agreement_drafts"),
    path(
        "staff/groups/<int:group_id>/agreement/<int:version_id>/",
        staff.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "staff/groups/<int:group_id>/agreement/<int:version_id>/publish/",
        staff.agreement_publish,
        name="agreement_publish",
    ),
    path(
        "staff/groups/<int:group_id>/agreement/proposals/<int:comment_id>/answer/",
        staff.agreement_proposal_answer,
        name="agreement_proposal_answer",
    ),
]
