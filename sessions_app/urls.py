from django.urls import include, path

from sessions_app.views import inbound, member, staff

app_name = "sessions_app"

portal_pages = [
    path("check-ins/", member.checkins, name="my_checkins"),
    path("check-ins/<slug:step>/", member.checkin_step, name="my_checkin_step"),
    path("check-in/<int:checkin_id>/", member.checkin_answer, name="my_checkin_answer"),
    path("ask/", member.support, name="my_support"),
    path("ask/done/", member.support_asked, name="my_support_asked"),
]

group_pages = [
    path("support/", staff.support_queue, name="support_queue"),
    path(
        "support/<int:request_id>/acknowledge/",
        staff.support_acknowledge,
        name="support_acknowledge",
    ),
    path("pass-on/<int:pass_on_id>/done/", staff.pass_on_done, name="pass_on_done"),
    path("messages/", staff.group_outbox, name="group_outbox"),
    path("messages/<int:message_id>/", staff.message_resolve, name="message_resolve"),
]

urlpatterns = [
    path("my/", include(portal_pages)),
    path("staff/groups/<int:group_id>/", include(group_pages)),
    path("staff/reminders/", staff.my_reminders, name="my_reminders"),
    # The providers' webhooks, named for the provider only.
    path("inbound/twilio/", inbound.twilio_reply, name="twilio_reply"),
    path("inbound/notify/", inbound.notify_reply, name="notify_reply"),
]
