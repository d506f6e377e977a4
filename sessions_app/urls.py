from django.urls import include, path

from sessions_app.views import (
    calendar,
    changes,
    dashboard,
    inbound,
    member,
    member_sessions,
    notes,
    planning,
    staff,
)

app_name = "sessions_app"

portal_pages = [
    path("check-ins/", member.checkins, name="my_checkins"),
    path("check-ins/<slug:step>/", member.checkin_step, name="my_checkin_step"),
    path("check-in/<int:checkin_id>/", member.checkin_answer, name="my_checkin_answer"),
    path("ask/", member.support, name="my_support"),
    path("ask/done/", member.support_asked, name="my_support_asked"),
    path("sessions/", member_sessions.my_sessions, name="my_sessions"),
    path("sessions/choices/", member_sessions.my_session_choices, name="my_session_choices"),
    path("sessions/<int:session_id>/", member_sessions.my_session, name="my_session"),
    path("notes/", notes.my_notes, name="my_notes"),
    path("notes/<int:session_id>/", notes.my_note, name="my_note"),
    path("notes/<int:session_id>/check/", notes.my_note_check, name="my_note_check"),
    path("you-said-we-did/", changes.my_changes, name="my_changes"),
    path("calendar/", calendar.my_calendar, name="my_calendar"),
    path("calendar/stop/", calendar.my_calendar_stop, name="my_calendar_stop"),
    path("sessions/<int:session_id>/date.ics", calendar.my_session_ics, name="my_session_ics"),
    path(
        "sessions/<int:session_id>/coming/", member_sessions.my_session_plan, name="my_session_plan"
    ),
    path(
        "sessions/<int:session_id>/step-out/<int:item_id>/",
        member_sessions.my_step_out,
        name="my_step_out",
    ),
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
    path("dashboard/", dashboard.group_dashboard, name="group_dashboard"),
    path("notes/", notes.session_notes, name="session_notes"),
    path("sessions/<int:session_id>/note/", notes.session_note, name="session_note"),
    path(
        "sessions/<int:session_id>/note/submit/",
        notes.session_note_submit,
        name="session_note_submit",
    ),
    path(
        "sessions/<int:session_id>/note/approve/",
        notes.session_note_approve,
        name="session_note_approve",
    ),
    path("changes/", changes.service_changes, name="service_changes"),
    path("changes/new/", changes.service_change_new, name="service_change_new"),
    path("changes/<int:change_id>/", changes.service_change_edit, name="service_change_edit"),
    path("sessions/", planning.session_list, name="session_list"),
    path("sessions/new/", planning.session_new, name="session_new"),
    path("sessions/<int:session_id>/", planning.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", planning.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/session.ics", calendar.session_ics, name="session_ics"),
    path("sessions/<int:session_id>/roster/", planning.session_roster, name="session_roster"),
    path("sessions/<int:session_id>/publish/", planning.session_publish, name="session_publish"),
    path("sessions/<int:session_id>/cancel/", planning.session_cancel, name="session_cancel"),
    path(
        "sessions/<int:session_id>/attendance/",
        planning.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<int:session_id>/plan/new/", planning.agenda_item, name="agenda_item_new"),
    path("sessions/<int:session_id>/plan/<int:item_id>/", planning.agenda_item, name="agenda_item"),
    path(
        "sessions/<int:session_id>/plan/<int:item_id>/remove/",
        planning.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path(
        "sessions/<int:session_id>/plan/<int:item_id>/move/",
        planning.agenda_item_move,
        name="agenda_item_move",
    ),
]

urlpatterns = [
    path("my/", include(portal_pages)),
    path("staff/groups/<int:group_id>/", include(group_pages)),
    path("staff/reminders/", staff.my_reminders, name="my_reminders"),
    path("staff/calendar/", calendar.my_staff_calendar, name="my_staff_calendar"),
    path("staff/calendar/stop/", calendar.my_staff_calendar_stop, name="my_staff_calendar_stop"),
    # Her calendar app fetches this without signing in: the secret is the key.
    path("calendar/<str:secret>.ics", calendar.calendar_feed, name="calendar_feed"),
    # The providers' webhooks, named for the provider only.
    path("inbound/twilio/", inbound.twilio_reply, name="twilio_reply"),
    path("inbound/notify/", inbound.notify_reply, name="notify_reply"),
]
