from django.urls import include, path, register_converter

from consent.models import ConsentPurpose
from consent.views import staff
from consent.views.member import answers, contributions, data, front, seen

app_name = "consent"


class PurposeConverter:
    """A purpose's slug in a member's address, with any slug that names a support role
    spelled neutrally: her browser history must not say what the page was about."""

    regex = "[-a-zA-Z0-9_]+"
    NEUTRAL = ConsentPurpose.NEUTRAL_SLUGS
    SLUGS = {neutral: slug for slug, neutral in NEUTRAL.items()}

    def to_python(self, value: str) -> str:
        if value in self.NEUTRAL:
            raise ValueError("one address per page")
        return self.SLUGS.get(value, value)

    def to_url(self, value: str) -> str:
        return self.NEUTRAL.get(value, value)


register_converter(PurposeConverter, "purpose")

# One member's pages, below a group's staff pages.
member_pages = [
    path("choices/", staff.member_choices, name="member_choices"),
    path("choices/history/", staff.member_choice_history, name="member_choice_history"),
    path("contributions/", staff.member_contribution_add, name="member_contribution_add"),
]

# A group's staff pages, below staff/groups/<group_id>/.
group_pages = [
    path("choices/", staff.group_choices, name="group_choices"),
    path("members/<int:membership_id>/", include(member_pages)),
    path("contributions/", staff.group_contributions, name="group_contributions"),
    path("outputs.csv", staff.outputs_export, name="outputs_export"),
    path("erasure/", staff.erasure_requests, name="erasure_requests"),
    path("erasure/<int:request_id>/confirm/", staff.erasure_confirm, name="erasure_confirm"),
]

# The member portal's pages, below my/.
portal_pages = [
    path("more/", front.more, name="my_more"),
    path("choices/", answers.choices, name="my_choices"),
    path("choices/history/", answers.choice_history, name="my_choice_history"),
    path("choices/<purpose:slug>/", answers.choice_set, name="my_choice_set"),
    path("contributions/", contributions.contributions, name="my_contributions"),
    path(
        "contributions/<int:contribution_id>/visibility/",
        contributions.contribution_visibility,
        name="my_contribution_visibility",
    ),
    path("who-sees-what/", seen.who_sees_what, name="my_who_sees_what"),
    path("who-looked/", seen.who_looked, name="my_who_looked"),
    path("data/", data.my_data, name="my_data"),
    path("data/download/", data.data_download_request, name="my_data_download_request"),
    path("data/download/<int:export_id>/", data.data_download, name="my_data_download"),
    path("data/remove/", data.erase, name="my_data_erase"),
    path("data/remove/<int:request_id>/withdraw/", data.erase_withdraw, name="my_erase_withdraw"),
]

urlpatterns = [
    path("my/", include(portal_pages)),
    path("staff/groups/<int:group_id>/", include(group_pages)),
]
