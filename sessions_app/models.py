"""Support between sessions: her check-in plan and each check-in, and the support
requests that a check-in or the portal's "I need support" opens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
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
        """Whether a check-in is due on `day` (her local date)."""
        if not self.is_on or day.weekday() != self.weekday or day < self.starts_on:
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
