"""Hearth's settings: one module, configured only by environment variables.

Defaults give a newcomer's checkout (debug on, SQLite and a file-system Celery
broker under var/, mail written to files); production sets the variables listed
in README.md. Every helper in coproduction.env fails loudly, naming the variable.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from coproduction.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HEARTH_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", True)

# --- secrets ---------------------------------------------------------------

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "django-insecure-checkout-only-" + "x" * 40)
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be at least 50 random characters when DJANGO_DEBUG is false."
        )
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])


def _field_keys() -> list[str]:
    """Fernet keys for encrypted fields, newest first; a checkout gets one made under var/."""
    keys = env_list("HEARTH_FIELD_KEYS", [])
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "HEARTH_FIELD_KEYS must be set when DJANGO_DEBUG is false "
                "(comma-separated Fernet keys, newest first)."
            )
        key_file = VAR_DIR / "field-keys"
        if not key_file.exists():
            key_file.write_text(Fernet.generate_key().decode() + "\n")
            key_file.chmod(0o600)
        keys = [k.strip() for k in key_file.read_text().split(",") if k.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                "HEARTH_FIELD_KEYS holds a value that is not a Fernet key "
                "(32 url-safe base64-encoded bytes); make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`."
            ) from None
    return keys


HEARTH_FIELD_KEYS = _field_keys()


def _hash_key() -> str:
    """The key of the keyed hashes kept beside encrypted values that must be looked up (an
    invitation's address). Its own key: not SECRET_KEY, not a field key, so rotating
    either leaves look-ups working. A checkout gets one made under var/."""
    key = env_str("HEARTH_HASH_KEY", "").strip()
    if not key:
        if not DEBUG:
            raise ImproperlyConfigured(
                "HEARTH_HASH_KEY must be set when DJANGO_DEBUG is false "
                "(32+ random characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
            )
        key_file = VAR_DIR / "hash-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(32) + "\n")
            key_file.chmod(0o600)
        key = key_file.read_text().strip()
    if len(key) < 32 or key in (SECRET_KEY, *HEARTH_FIELD_KEYS):
        raise ImproperlyConfigured(
            "HEARTH_HASH_KEY must be at least 32 random characters, and not the same as "
            "DJANGO_SECRET_KEY or a field key."
        )
    return key


HEARTH_HASH_KEY = _hash_key()

# --- hosts and HTTPS -------------------------------------------------------

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

if env_bool("DJANGO_BEHIND_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
# same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with
# every form, which Django's CSRF check rightly refuses. Other sites still learn nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# --- applications ----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "coproduction.accounts",
    "coproduction.audit",
    "coproduction.core",
    "coproduction.crypto",
    "coproduction.outbox",
    "groups",
    "sessions_app",
    "consent",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coproduction.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "coproduction.core.middleware.SignInRedirectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sign-in is known, so that a 400 page in the member or staff shell can show it.
    "coproduction.core.middleware.RefuseNulMiddleware",
    "coproduction.core.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coproduction.core.middleware.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "coproduction.urls"
WSGI_APPLICATION = "coproduction.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coproduction.core.context_processors.hearth",
                "groups.context_processors.member_nav",
            ],
            "builtins": ["coproduction.core.templatetags.hearth_dates"],
        },
    },
]
# Widgets render through TEMPLATES, so templates/admin/widgets/ can give the admin's
# date and time boxes the labels its own template lacks.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- data ------------------------------------------------------------------

# With debug off nothing falls back to a checkout's embedded services: a missing
# variable stops start-up rather than quietly using a file in one container.
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}" if DEBUG else env_str("DATABASE_URL"),
    schemes={"sqlite", "postgres", "postgresql", "pgsql"},
)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write at once: WAL lets readers run beside the writer,
    # IMMEDIATE takes the write lock up front so a transaction never fails half-way
    # on upgrade, and the timeout makes a busy database wait instead of erroring.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-hearth.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", schemes={"redis", "rediss"})
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hearth",
        }
    }
else:
    # A shared cache, so allauth's rate limits hold across web processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hearth_cache",
        }
    }

# --- Celery ----------------------------------------------------------------

CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    "filesystem://" if DEBUG else env_str("CELERY_BROKER_URL"),
    schemes={"filesystem", "redis", "rediss"},
)
CELERY_DIR = Path(env_str("HEARTH_CELERY_DIR", str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem"):
    for sub in ("queue", "processed", "control"):
        (CELERY_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_DIR / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery's Django fixup closes the database connection before and after every task unless
# told to reuse it: a new PostgreSQL connection cost each outbox delivery 18 ms of its 25
# (bench/messaging.py). Reused, it is closed every 500 tasks, and after any task that left
# it unusable or older than CONN_MAX_AGE (coproduction.celery).
CELERY_DB_REUSE_MAX = 500
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "coproduction.core.tasks.heartbeat", "schedule": 60.0},
    "return-stepped-back-members": {
        "task": "groups.tasks.return_stepped_back_members",
        "schedule": crontab(hour=6, minute=0),
    },
    "carry-out-due-erasures": {
        "task": "consent.tasks.carry_out_due_erasures",
        "schedule": crontab(hour=3, minute=0),
    },
    "expire-data-exports": {
        "task": "consent.tasks.expire_data_exports",
        "schedule": crontab(minute=30),  # hourly: a download is kept for 24 hours
    },
    "send-due-messages": {"task": "coproduction.outbox.tasks.sweep", "schedule": 60.0},
    "queue-check-ins": {"task": "sessions_app.tasks.queue_checkins", "schedule": 600.0},
    "notice-unanswered-check-ins": {
        "task": "sessions_app.tasks.notice_unanswered_checkins",
        "schedule": crontab(minute=15),
    },
    "remind-about-support-requests": {
        "task": "sessions_app.tasks.remind_support_requests",
        "schedule": 60.0,
    },
    "remind-staff": {"task": "sessions_app.tasks.send_staff_reminders", "schedule": 600.0},
    "send-session-notices": {"task": "sessions_app.tasks.send_session_notices", "schedule": 600.0},
    "ask-members-to-check-contact-choices": {
        "task": "groups.tasks.ask_members_to_check_contact_choices",
        "schedule": crontab(hour=9, minute=0),
    },
    "tell-members-of-changed-wordings": {
        "task": "consent.tasks.tell_members_of_changed_wordings",
        "schedule": crontab(hour=9, minute=30),
    },
}
# Messages have a queue of their own, so a long export never delays a sign-in code or a
# support request; every worker process consumes both (Procfile, docker-compose.yml).
CELERY_TASK_ROUTES = {"coproduction.outbox.tasks.*": {"queue": "messages"}}

# --- e-mail ----------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "coproduction.core.mail.FileAndConsoleBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
# A member's phone may be read by someone else: the sender says nothing about the group.
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Jo <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- accounts --------------------------------------------------------------

# One backend only: two backends side by side each hash the password, and by different
# amounts for a known and an unknown address (see EvenCostAuthenticationBackend).
AUTHENTICATION_BACKENDS = ["coproduction.accounts.auth_backends.EvenCostAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# The platform's adapter, with members' mobile numbers from their safe-contact profiles
# so a code can go by text message (groups/sign_in.py).
ACCOUNT_ADAPTER = "groups.sign_in.MemberAccountAdapter"
ACCOUNT_FORMS = {
    "request_login_code": "groups.sign_in.CodeRequestForm",
    "change_password": "coproduction.accounts.forms.HearthChangePasswordForm",
    "set_password": "coproduction.accounts.forms.HearthSetPasswordForm",
    "reset_password_from_key": "coproduction.accounts.forms.HearthResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600  # ten minutes: time enough to find the message (WCAG 2.2.1)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_PREVENT_ENUMERATION = True
# Rule 3: nothing goes to an address that has no account, and every mail allauth sends
# asks HEARTH_CONTACT_GATE and is kept in the outbox (coproduction.accounts.mail).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# "Your password changed" and the like would now wait for her window, but a notice she
# did not ask for, read by whoever reads her mail, says she has an account here: none
# are sent.
ACCOUNT_EMAIL_NOTIFICATIONS = False
HEARTH_CONTACT_GATE = "groups.contact.may_contact"
# The outbox asks the domain at the moment of sending (coproduction/outbox/services.py).
HEARTH_OUTBOX_GATE = "groups.contact.outbox_gate"
HEARTH_OUTBOX_BACKENDS = {
    "email": "coproduction.outbox.backends.EmailBackend",
    # A checkout keeps text messages as files under var/sms/; production says which
    # provider sends them, and until it does none is sent and facilitators see why.
    "sms": env_str(
        "HEARTH_SMS_BACKEND",
        "coproduction.outbox.backends.FileSMSBackend"
        if DEBUG
        else "coproduction.outbox.backends.NoProvider",
    ),
    "portal": "coproduction.outbox.backends.PortalBackend",
    # "Through my support worker": a task for that worker, which only the domain knows.
    "support_worker": "sessions_app.backends.SupportWorkerBackend",
}
# The text-message providers (coproduction/outbox/backends.py), set where one is used.
HEARTH_NOTIFY_API_KEY = env_str("HEARTH_NOTIFY_API_KEY", "")
HEARTH_NOTIFY_SMS_TEMPLATE = env_str("HEARTH_NOTIFY_SMS_TEMPLATE", "")
HEARTH_NOTIFY_BASE_URL = env_str(
    "HEARTH_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
# The bearer token GOV.UK Notify is given for its replies callback (sessions_app/views/inbound.py).
HEARTH_NOTIFY_INBOUND_TOKEN = env_str("HEARTH_NOTIFY_INBOUND_TOKEN", "")
HEARTH_TWILIO_ACCOUNT_SID = env_str("HEARTH_TWILIO_ACCOUNT_SID", "")
HEARTH_TWILIO_AUTH_TOKEN = env_str("HEARTH_TWILIO_AUTH_TOKEN", "")
HEARTH_TWILIO_FROM = env_str("HEARTH_TWILIO_FROM", "")
HEARTH_TWILIO_BASE_URL = env_str("HEARTH_TWILIO_BASE_URL", "https://api.twilio.com")
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("HEARTH_TRUSTED_PROXY_COUNT", 0 if DEBUG else 1, minimum=0)
MFA_ADAPTER = "coproduction.accounts.mfa.HearthMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_RECOVERY_CODES_SHOW_ONCE = True

# Database sessions indexed by person, so ending hers never reads anyone else's.
SESSION_ENGINE = "coproduction.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_AGE = 8 * 60 * 60
HEARTH_MEMBER_IDLE_SECONDS = env_int("HEARTH_MEMBER_IDLE_SECONDS", 30 * 60, minimum=60)
HEARTH_STAFF_SESSION_SECONDS = env_int("HEARTH_STAFF_SESSION_SECONDS", 8 * 60 * 60, minimum=60)
HEARTH_REQUIRE_MFA = env_bool("HEARTH_REQUIRE_MFA", not DEBUG)

# --- what members see ------------------------------------------------------

HEARTH_SITE_NAME = env_str("HEARTH_SITE_NAME", "Hearth")
HEARTH_EXIT_URL = env_url(
    "HEARTH_EXIT_URL", "https://www.bbc.co.uk/weather", schemes={"https", "http"}
)

# --- static files and forms ------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- content security policy -----------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # allauth shows the authenticator QR code as a data: image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# When staff are reminded of what waits for them (sessions_app/working_hours.py).
HEARTH_WORKING_HOURS = {"days": [0, 1, 2, 3, 4], "start": dt.time(9, 0), "end": dt.time(17, 0)}
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HEARTH_LOG_LEVEL", "INFO")},
}
