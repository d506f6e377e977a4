"""Settings come only from the environment and fail at start-up, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from coproduction.env import env_bool, env_int, env_list, env_str, env_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
    "HEARTH_FIELD_KEYS": Fernet.generate_key().decode(),
    "HEARTH_HASH_KEY": "h4sh-" + "zyxwvutsrqponmlkjihgfedcba9876543210",
    "DJANGO_ALLOWED_HOSTS": "hearth.example.org",
    "DATABASE_URL": "postgres://hearth:pw@db.example.org:5432/hearth",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/1",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def run_django(
    env_overrides: dict[str, str | None], code: str, tmp_path
) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with exactly these variables (None removes one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEARTH_"))}
    env.update({"HEARTH_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coproduction.settings"})
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        env.pop(key, None)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


SETUP = "import django; django.setup(); from django.conf import settings; "


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"HEARTH_FIELD_KEYS": None}, "HEARTH_FIELD_KEYS"),
        ({"HEARTH_FIELD_KEYS": "not-a-key"}, "HEARTH_FIELD_KEYS"),
        ({"HEARTH_HASH_KEY": None}, "HEARTH_HASH_KEY"),
        ({"HEARTH_HASH_KEY": "too-short"}, "HEARTH_HASH_KEY"),
        ({"HEARTH_HASH_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}, "HEARTH_HASH_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
        ({"DATABASE_URL": "mysql://db/hearth"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "amqp://guest@rabbit//"}, "CELERY_BROKER_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"HEARTH_MEMBER_IDLE_SECONDS": "half an hour"}, "HEARTH_MEMBER_IDLE_SECONDS"),
    ],
)
def test_bad_production_settings_stop_start_up_naming_the_variable(tmp_path, overrides, named):
    result = run_django({**PRODUCTION, **overrides}, SETUP + "print('started')", tmp_path)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]


def test_production_settings_pass_the_deploy_checks(tmp_path):
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run_django(PRODUCTION, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_values_reach_the_settings(tmp_path):
    code = SETUP + (
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL, "
        "settings.HEARTH_REQUIRE_MFA, settings.SESSION_COOKIE_SECURE)"
    )
    result = run_django(PRODUCTION, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "redis://redis.example.org:6379/1",
        "True",
        "True",
    ]


def test_a_checkout_runs_on_embedded_defaults_and_makes_its_own_field_key(tmp_path):
    code = SETUP + (
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
        "settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND'], "
        "settings.DATABASES['default']['OPTIONS']['transaction_mode'])"
    )
    result = run_django({}, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.cache.backends.db.DatabaseCache",
        "IMMEDIATE",
    ]
    key = (tmp_path / "field-keys").read_text().strip()
    Fernet(key)  # a real key
    assert (tmp_path / "field-keys").stat().st_mode & 0o077 == 0
    assert len((tmp_path / "hash-key").read_text().strip()) >= 32
    assert (tmp_path / "hash-key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "celery" / "queue").is_dir()


def test_env_helpers_read_and_refuse(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    monkeypatch.setenv("X_URL", "redis://host:6379/0")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0, minimum=1) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_url("X_URL", schemes={"redis"}) == "redis://host:6379/0"
    assert env_str("X_MISSING", "fallback") == "fallback"
    with pytest.raises(ImproperlyConfigured, match="X_MISSING"):
        env_str("X_MISSING")
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be at least 1"):
        env_int("X_INT", 5, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="X_URL"):
        env_url("X_URL", schemes={"postgres"})
