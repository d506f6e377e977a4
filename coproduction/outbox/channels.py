"""The ways a message can reach a person. The outbox owns them; a member's safe-contact
profile says which of them are safe for her."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    CALL = "call", _("Phone call")
    SUPPORT_WORKER = "support_worker", _("Through my support worker")
    # A notice on her own home page, seen only once she has signed in.
    PORTAL = "portal", _("On my Hearth home page")
