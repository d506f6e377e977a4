"""Support between sessions: her check-in plan and each check-in, and the support
requests that a check-in or the portal's "I need support" opens."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from coproduction.crypto.fields import EncryptedTextField
from coproduction.outbox.channels import Channel
from coproduction.outbox.models import Message
from groups.models import SupportContact

# The ways a check-in can reach her: each still only if her safe-contact profile allows it.
CHECKIN_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.PORTAL, Channel.SUPPORT_WORKER)


class CheckInPlan(models.Model):
    """How often she would like to be asked how things are, when, how, in what words, and
    what should happen if she does not answer. Starts at "never": check-ins are hers to
    ask for."""

    class Rhythm(models.TextChoices):
        NEVER = "never", _("Never")
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Once a month")
        AFTER_SESSION = "after_each", _("The day after each time I came")

    class Wording(models.TextChoices):
        HOW_ARE_THINGS = "how_are_things", _("Hi %(name)s, how are things?")
        CHECKING_IN = "checking_in", _("Hi %(name)s, just checking in.")
        HOPE_OK = "hope_ok", _("Hello %(name)s, hope this week is going OK.")
        OWN = "own", _("My own words")

    class IfNoAnswer(models.TextChoices):
        NOTHING = "nothing", _("Nothing. That is fine.")
        TELL_SUPPORT_WORKER = "tell_support_worker", _("Tell my support worker")

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_plan"
    )
    rhythm = models.CharField(max_length=12, choices=Rhythm.choices, default=Rhythm.NEVER)
    weekday = models.PositiveSmallIntegerField(default=1)
    at_time = models.TimeField(default=dt.time(10, 0))
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PORTAL)
    wording = models.CharField(
        max_length=20, choices=Wording.choices, default=Wording.HOW_ARE_THINGS
    )
    own_words = EncryptedTextField(blank=True, owner_field="member_id")
    if_no_answer = models.CharField(
        max_length=20, choices=IfNoAnswer.choices, default=IfNoAnswer.NOTHING
    )
    no_answer_days = models.PositiveSmallIntegerField(default=2)
    # The fortnightly rhythm counts its weeks from here.
    starts_on = models.DateField(default=timezone.localdate)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Check-in plan #{self.pk}"

    @property
    def is_on(self) -> bool:
        return self.rhythm != self.Rhythm.NEVER

    def falls_on(self, day: dt.date) -> bool:
        """Whether a check-in is due on `day` (her local date). The day after each
        session she came to is queued when her coming is recorded, not by the day."""
        if (
            not self.is_on
            or self.rhythm == self.Rhythm.AFTER_SESSION
            or day.weekday() != self.weekday
            or day < self.starts_on
        ):
            return False
        if self.rhythm == self.Rhythm.FORTNIGHTLY:
            return (day - self.starts_on).days // 7 % 2 == 0
        if self.rhythm == self.Rhythm.MONTHLY:
            # The first of her chosen weekday in each month.
            return day.day <= 7
        return True


class CheckInQuerySet(models.QuerySet):
    def reached(self):
        """The ones that reached her: only these are hers to answer."""
        return self.filter(message__status=Message.Status.SENT)

    def open(self):
        """Reached her and not yet answered."""
        return self.reached().filter(answer="")


class CheckIn(models.Model):
    """One check-in, on one of her days, and her answer if she gave one."""

    class Answer(models.TextChoices):
        OK = "ok", _("OK")
        NOT_GREAT = "not_great", _("Not great")
        PLEASE_CALL = "please_call", _("Please contact me")

    class Via(models.TextChoices):
        PORTAL = "portal", _("On Hearth")
        SMS = "sms", _("By text message")

    plan = models.ForeignKey(CheckInPlan, on_delete=models.CASCADE, related_name="checkins")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on_date = models.DateField()
    message = models.OneToOneField(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    # When "tell my support worker" was done for a check-in left unanswered.
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "on_date"], name="one_checkin_a_day"),
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk} ({self.on_date})"


class SupportRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class SupportRequest(models.Model):
    """She asked to be contacted (or said, by not answering, that she would like someone
    to notice). Routed to the support contact she chose; facilitators are reminded until
    someone acknowledges it. Holds no words of hers but what the acknowledger wrote."""

    class Source(models.TextChoices):
        BUTTON = "button", _("She pressed “I need support”")
        CHECKIN = "checkin", _("She answered a check-in: please contact me")
        NO_ANSWER = "no_answer", _("No answer to a check-in, and she asked us to notice")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    # Who she chose to be put in touch with when she asks, at the moment she asked.
    contact = models.ForeignKey(
        SupportContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what_was_done = EncryptedTextField(blank=True, owner_field="member_id")

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Asking again while someone is on the way is the same request, not a second one.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="one_open_support_request",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                name="support_reminder_due",
                condition=models.Q(acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Support request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class StaffReminderChoice(models.Model):
    """How one member of staff hears what waits for her in Hearth: a message for each
    kind of thing as it comes up (the default), or one daily digest at a time she picks,
    in her own time zone. No row means the defaults."""

    class How(models.TextChoices):
        SINGLE = "single", _("An email for each kind of thing, at most once a day each")
        DIGEST = "digest", _("One email a day, at the time you choose, with everything in it")

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_choice"
    )
    how = models.CharField(max_length=10, choices=How.choices, default=How.SINGLE)
    digest_at = models.TimeField(default=dt.time(9, 0))
    # No organisation keeps a time zone yet: the project's own, until one does.
    time_zone = models.CharField(max_length=64, default="Europe/London")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminder choice #{self.pk}"

    @property
    def is_digest(self) -> bool:
        return self.how == self.How.DIGEST


class PassOnQuerySet(models.QuerySet):
    def open(self) -> PassOnQuerySet:
        return self.filter(done_at__isnull=True)


class PassOn(models.Model):
    """A message for a member reached "through my support worker": a task for that
    worker to pass it on in person, never a message to the member herself. It goes
    with the message, and so with her account."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PassOnQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["member", "done_at"], name="pass_on_member")]

    def __str__(self) -> str:
        return f"Pass-on #{self.pk}"


# --- sessions --------------------------------------------------------------------------


class ContentNote(models.TextChoices):
    """The common content notes: what a part of a session touches on, so nobody meets a
    difficult topic unwarned. Free text can say more."""

    SERVICES = "services", _("Being let down by services")
    VIOLENCE = "violence", _("Violence or abuse")
    CHILDREN = "children", _("Children and family")
    LOSS = "loss", _("Loss and grief")
    SELF_HARM = "self_harm", _("Self-harm or suicide")
    MENTAL_HEALTH = "mental_health", _("Mental health crisis")
    MEDICAL = "medical", _("Medical examinations")
    SUBSTANCES = "substances", _("Alcohol or drugs")


class SessionSeries(models.Model):
    """Dates made in one step from an RFC 5545 rule ("every other Tuesday"), kept as the
    rule's text so a calendar feed carries it as one recurring event. Times are wall-clock
    in `time_zone`: 10:30 stays 10:30 across the clocks changing."""

    group = models.ForeignKey("groups.CoproGroup", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=300)
    first_day = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    time_zone = models.CharField(max_length=64, default="Europe/London")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "session series"

    def __str__(self) -> str:
        return f"Series #{self.pk}"


class GroupSessionQuerySet(models.QuerySet):
    def announced(self) -> GroupSessionQuerySet:
        """Published, changed, cancelled or held: what members have been told of. A draft
        called off before it was published was never theirs to see."""
        return self.exclude(status=GroupSession.Status.DRAFT).exclude(
            status=GroupSession.Status.CANCELLED, published_at__isnull=True
        )

    def to_come(self, now: dt.datetime | None = None) -> GroupSessionQuerySet:
        """Published (or changed since) and not begun: the dates members are to hear of."""
        return self.filter(
            status__in=[GroupSession.Status.PUBLISHED, GroupSession.Status.CHANGED],
            starts_at__gt=now or timezone.now(),
        )

    def upcoming(self, now: dt.datetime | None = None) -> GroupSessionQuerySet:
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")


class GroupSession(models.Model):
    """One meeting of a group: when and where, who runs it, what it will cover. Members
    see `title` (neutral by default); staff see `internal_title` too."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CHANGED = "changed", _("Changed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    group = models.ForeignKey(
        "groups.CoproGroup", on_delete=models.CASCADE, related_name="sessions"
    )
    series = models.ForeignKey(
        SessionSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    # The series date this session stands for, however it is moved (its RECURRENCE-ID).
    occurrence = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=100, blank=True)
    internal_title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="Europe/London")
    address = models.TextField(blank=True)
    getting_there = models.TextField(blank=True)
    step_free = models.BooleanField(default=False)
    quiet_room = models.BooleanField(default=False)
    toilets = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    breaks = models.CharField(max_length=200, blank=True)
    debrief = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # When the agenda notices were queued: once per session.
    agenda_sent_at = models.DateTimeField(null=True, blank=True)
    # Counts the announced changes: her portal shows "changed" until she has seen this one.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "starts_at"], name="session_group_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.UniqueConstraint(
                fields=["series", "occurrence"], name="one_session_per_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return f"Session #{self.pk}"

    @property
    def is_announced(self) -> bool:
        if self.status == self.Status.CANCELLED:
            return self.published_at is not None
        return self.status != self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def plan_due_at(self) -> dt.datetime:
        """When its plan is due to reach members: its group's `agenda_days_before`
        ahead (read with `group`)."""
        return self.starts_at - dt.timedelta(days=self.group.agenda_days_before)

    def local_times(self) -> tuple[dt.datetime, dt.datetime]:
        """Its start and end on the clocks where it happens."""
        zone = ZoneInfo(self.time_zone)
        return self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)

    @property
    def local_day(self) -> dt.date:
        """Its date where it happens."""
        return self.local_times()[0].date()

    @property
    def member_title(self) -> str:
        return self.title or default_title(self.starts_at, self.time_zone)


def default_title(starts_at: dt.datetime, time_zone: str) -> str:
    """The neutral name members see: the weekday and "meet-up", nothing else."""
    day = formats.date_format(starts_at.astimezone(ZoneInfo(time_zone)), "l")
    return _("%(day)s meet-up") % {"day": day}


class SessionChange(models.Model):
    """One announced change to a published session: what changed and when, in the words
    members are told, kept so her portal can show it."""

    class What(models.TextChoices):
        TIME = "time", _("The time")
        PLACE = "place", _("The place")
        AGENDA = "agenda", _("The plan")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="changes")
    what = models.JSONField(default=list)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"Change to session #{self.session_id}"


class AgendaItem(models.Model):
    """One part of a session's plan, in order, with a content note where it touches on
    something difficult."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    at_time = models.TimeField(null=True, blank=True)
    purpose = models.CharField(max_length=200)
    led_by = models.CharField(max_length=100, blank=True)
    content_notes = models.JSONField(default=list, blank=True)
    content_note_text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Agenda item #{self.pk}"

    @property
    def has_content_note(self) -> bool:
        return bool(self.content_notes or self.content_note_text)

    def get_content_notes_display(self) -> list[str]:
        labels = dict(ContentNote.choices)
        return [str(labels[code]) for code in self.content_notes if code in labels]


class SessionChoices(models.Model):
    """What she asked for once, for every session: a reminder the day before, and to be
    told first when a plan touches on kinds of topic she named. No row: neither."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_choices"
    )
    day_before = models.BooleanField(default=False)
    topics = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Session choices #{self.pk}"


class StepOut(models.Model):
    """She will step out for one part of a session. No reason is asked or kept."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="step_outs")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="step_out_once")]

    def __str__(self) -> str:
        return f"Step out #{self.pk}"


class Attendance(models.Model):
    """Whether she said she would come, and (after) whether she came and for how long.
    Not coming is never shown to other members nor counted against her."""

    class Plan(models.TextChoices):
        COMING = "coming", _("I'll come")
        CANT_COME = "cant_come", _("I can't come")

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plan = models.CharField(max_length=10, choices=Plan.choices, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    came = models.BooleanField(null=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"Attendance #{self.pk}"


class SessionSeen(models.Model):
    """The last version of a session she has seen: "changed" shows until she sees it."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="seen_once")]

    def __str__(self) -> str:
        return f"Seen #{self.pk}"


class SessionNote(models.Model):
    """What a session talked about, drafted by a facilitator, checked by a second one or
    a members' representative, then shared. Members' contributions are placed in it with
    their own visibility, so each reader sees what the policy lets her see."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        TO_CHECK = "to_check", _("Waiting to be checked")
        SHARED = "shared", _("Shared")

    session = models.OneToOneField(GroupSession, on_delete=models.CASCADE, related_name="note")
    text = EncryptedTextField(blank=True)
    contributions = models.ManyToManyField("consent.Contribution", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    shared_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Note of session #{self.session_id}"


class ServiceChange(models.Model):
    """ "You said, we did": what members said, what changed in a service because of it,
    who made it happen, and how far it has got."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible")

    group = models.ForeignKey(
        "groups.CoproGroup", on_delete=models.CASCADE, related_name="service_changes"
    )
    you_said = models.TextField()
    we_did = models.TextField(blank=True)
    made_by = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    why_not = models.TextField(blank=True)
    proposed_on = models.DateField(default=timezone.localdate)
    done_on = models.DateField(null=True, blank=True)
    sessions = models.ManyToManyField(GroupSession, blank=True, related_name="service_changes")
    contributions = models.ManyToManyField("consent.Contribution", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"Change #{self.pk}"


class CalendarFeed(models.Model):
    """Her personal calendar address: a secret kept only as its hash, revocable. Members'
    feeds carry neutral titles and no place unless she chose otherwise."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    with_place = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_feed",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed #{self.pk}"
