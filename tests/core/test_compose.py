"""docker-compose.yml, the Dockerfile and the Procfile agree with each other and with settings.

No Docker engine is needed: the files are read, compose's ${...} variables are
substituted the way compose does it, and the settings module is evaluated with the
environment the containers would get.
"""

from __future__ import annotations

import ast
import json
import os
import re
import runpy
import secrets
import shlex
import subprocess
import sys
import threading
import urllib.error
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import yaml
from celery.app.utils import find_app
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from kombu.utils.imports import symbol_by_name

from coproduction.core.models import WorkerHeartbeat
from coproduction.core.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILE = ROOT / "coproduction" / "settings.py"

APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("web", "worker", "beat")
PRODUCTION_NEEDS = (
    "DJANGO_SECRET_KEY",
    "HEARTH_FIELD_KEYS",
    "HEARTH_HASH_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
)

# What an operator would put in .env: a value for every ${NAME:?...} in the compose file.
EXAMPLE_VARIABLES = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "HEARTH_FIELD_KEYS": Fernet.generate_key().decode(),
    "HEARTH_HASH_KEY": secrets.token_urlsafe(32),
    "POSTGRES_PASSWORD": "example-password",
}

# --- reading the files ---------------------------------------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(Exception):
    pass


def interpolate(value, variables: dict[str, str]):
    """Compose's substitution: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME:?error} and kin."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"] or ""
        present = name in variables
        current = variables.get(name, "")
        if op is None:
            return current
        if op == ":-":
            return current or arg
        if op == "-":
            return current if present else arg
        if op in (":?", "?") and not (current if op == ":?" else present):
            raise MissingVariable(f"{name}: {arg}")
        if op in (":?", "?"):
            return current
        if op == ":+":
            return arg if current else ""
        return arg if present else ""  # "+"

    return _VARIABLE.sub(replace, value)


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose() -> dict:
    """The compose file as `docker compose config` would see it, with the example .env."""
    return interpolate(raw_compose(), EXAMPLE_VARIABLES)


def argv(command) -> list[str]:
    """A service's command as an argument list (compose accepts a string or a list)."""
    return shlex.split(command) if isinstance(command, str) else list(command)


def app_env() -> dict[str, str]:
    return {key: str(value) for key, value in compose()["services"]["web"]["environment"].items()}


# Options that take a value, for telling them apart from positional arguments.
_VALUED = {
    "-A",
    "--app",
    "-l",
    "--loglevel",
    "-c",
    "--concurrency",
    "-S",
    "--scheduler",
    "-b",
    "--bind",
    "-w",
    "--workers",
    "--access-logfile",
    "--logger-class",
    "--timeout",
    "-Q",
    "--queues",
}


def parse_command(args: list[str]) -> tuple[str, list[str], dict[str, str]]:
    """(program, positional arguments, options) of a gunicorn or celery command line."""
    program, rest = args[0], args[1:]
    positional: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg.startswith("-") and arg != "-":
            if "=" in arg:
                name, value = arg.split("=", 1)
                options[name] = value
            elif arg in _VALUED:
                options[arg] = rest[i + 1]
                i += 1
            else:
                options[arg] = ""
        else:
            positional.append(arg)
        i += 1
    return program, positional, options


def process_signature(args: list[str]) -> tuple:
    """What a process runs, ignoring tuning flags (bind address, concurrency, log level)."""
    program, positional, options = parse_command(args)
    app = options.get("-A") or options.get("--app")
    scheduler = options.get("--scheduler") or options.get("-S")
    queues = options.get("--queues") or options.get("-Q")
    return (program, tuple(positional), app, scheduler, queues)


def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = shlex.split(command)
    return processes


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.strip().startswith("#") or (not line.strip() and not pending):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, rest = full.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            for token in shlex.split(rest):
                name, _, value = token.partition("=")
                env[name] = value
    return env


def collectstatic_run() -> tuple[dict[str, str], list[str]]:
    """The Dockerfile's collectstatic RUN line: its own variables and its command."""
    runs = [rest for keyword, rest in dockerfile_instructions() if keyword == "RUN"]
    (line,) = [rest for rest in runs if "collectstatic" in rest]
    tokens = shlex.split(line)
    assignments: dict[str, str] = {}
    while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        assignments[name] = value
    command = tokens[: tokens.index("&&")] if "&&" in tokens else tokens
    return assignments, command


def settings_variables() -> set[str]:
    """Every variable settings.py reads: the first argument of each env_*() call."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def evaluate_settings(monkeypatch, tmp_path, env: dict[str, str]) -> dict:
    """Run settings.py in this process with exactly `env` as far as settings can tell."""
    for name in settings_variables() | set(env):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HEARTH_VAR_DIR", str(tmp_path))  # scratch files only
    return runpy.run_path(str(SETTINGS_FILE))


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python *args` from the checkout's root with `env` (plus PATH) and nothing else."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**env, "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the services ----------------------------------------------------------------------------


def test_services_exist():
    assert set(compose()["services"]) >= {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_redis_keeps_the_broker_queue():
    redis = compose()["services"]["redis"]
    command = " ".join(argv(redis["command"]))
    assert "--appendonly yes" in command
    assert "noeviction" in command
    assert any(str(volume).endswith(":/data") for volume in redis["volumes"])


def test_data_lives_in_named_volumes():
    doc = compose()
    mounts = {
        name: [str(volume).split(":")[0] for volume in doc["services"][name]["volumes"]]
        for name in ("postgres", "redis")
    }
    for name, sources in mounts.items():
        assert sources, name
        assert all(source in doc["volumes"] for source in sources), name


def test_app_services_share_one_environment_and_image():
    services = compose()["services"]
    env = services["web"]["environment"]
    for name in APP_SERVICES:
        assert services[name]["environment"] == env, name
        assert services[name]["build"] == services["web"]["build"], name
        assert services[name]["image"] == services["web"]["image"], name


def test_environment_sets_what_production_needs():
    env = app_env()
    for name in PRODUCTION_NEEDS:
        assert env.get(name), f"{name} is not set for the app services"
    assert env["DJANGO_DEBUG"] == "false"
    assert raw_compose()["services"]["web"]["environment"]["DJANGO_DEBUG"] == "false"


def test_compose_passes_only_variables_settings_reads():
    """A misspelt name would be ignored silently and its default used instead."""
    unknown = set(app_env()) - settings_variables()
    assert not unknown, f"settings.py reads none of {sorted(unknown)}"


def test_secrets_are_never_hard_coded():
    env = raw_compose()["services"]["web"]["environment"]
    for name in ("DJANGO_SECRET_KEY", "HEARTH_FIELD_KEYS", "HEARTH_HASH_KEY"):
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]*\}}", env[name]), name
    for name in ("DJANGO_EMAIL_HOST_PASSWORD", "DJANGO_SECRET_KEY_FALLBACKS"):
        assert env.get(name, "") in ("", f"${{{name}:-}}"), name
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    postgres = raw_compose()["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_urls_point_at_the_compose_services(monkeypatch, tmp_path):
    env = app_env()
    database = urlparse(env["DATABASE_URL"])
    assert database.hostname == "postgres"
    assert (
        database.path.lstrip("/") == compose()["services"]["postgres"]["environment"]["POSTGRES_DB"]
    )
    assert database.username == compose()["services"]["postgres"]["environment"]["POSTGRES_USER"]
    assert database.password == EXAMPLE_VARIABLES["POSTGRES_PASSWORD"]
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        assert urlparse(env[name]).hostname == "redis", name
    # The cache and the broker share one Redis but not one database number.
    assert urlparse(env["REDIS_URL"]).path != urlparse(env["CELERY_BROKER_URL"]).path

    loaded = evaluate_settings(monkeypatch, tmp_path, env)
    assert loaded["DATABASES"]["default"]["HOST"] == "postgres"
    assert loaded["CACHES"]["default"]["LOCATION"] == env["REDIS_URL"]
    assert loaded["CELERY_BROKER_URL"] == env["CELERY_BROKER_URL"]


def test_celery_commands_use_the_projects_app():
    services = compose()["services"]
    celery_app = find_app("coproduction")
    assert celery_app is find_app("coproduction.celery:app")
    for name, subcommand in (("worker", "worker"), ("beat", "beat")):
        program, positional, options = parse_command(argv(services[name]["command"]))
        assert program == "celery", name
        assert positional == [subcommand], name
        assert find_app(options.get("-A") or options["--app"]) is celery_app, name


def test_the_worker_consumes_every_queue_tasks_are_routed_to():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    for command in (argv(compose()["services"]["worker"]["command"]), procfile()["worker"]):
        _, _, options = parse_command(command)
        queues = set((options.get("--queues") or options["-Q"]).split(","))
        assert queues == {"celery"} | routed


def test_beat_uses_the_database_scheduler():
    _, _, options = parse_command(argv(compose()["services"]["beat"]["command"]))
    scheduler = options.get("--scheduler") or options["-S"]
    assert scheduler == settings.CELERY_BEAT_SCHEDULER
    assert symbol_by_name(scheduler).__name__ == "DatabaseScheduler"


REDACTING_LOGGER = "coproduction.core.gunicorn.RedactingLogger"


def test_web_runs_gunicorn_with_the_wsgi_module():
    program, positional, options = parse_command(argv(compose()["services"]["web"]["command"]))
    assert program == "gunicorn"
    assert positional == ["coproduction.wsgi"]
    assert settings.WSGI_APPLICATION == "coproduction.wsgi.application"
    assert options["--bind"].rsplit(":", 1) == ["0.0.0.0", "8000"]  # noqa: S104 - in its container
    assert int(options["--workers"]) >= 1
    # Its access log hides a calendar address's secret, in the Procfile's web too.
    assert options["--logger-class"] == REDACTING_LOGGER
    assert parse_command(procfile()["web"])[2]["--logger-class"] == REDACTING_LOGGER
    ports = compose()["services"]["web"]["ports"]
    assert any(str(port).endswith(":8000") for port in ports)


def test_migrate_runs_once_and_first():
    services = compose()["services"]
    command = " ".join(argv(services["migrate"]["command"]))
    assert "manage.py migrate --noinput" in command
    assert "manage.py createcachetable" in command
    assert str(services["migrate"].get("restart", "no")) == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_long_running_services_wait_for_migrate_and_have_healthchecks():
    services = compose()["services"]
    for name in LONG_RUNNING:
        service = services[name]
        depends = service["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        check = service["healthcheck"]
        assert check.get("test") and not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_worker_healthcheck_pings_its_own_node():
    test = raw_compose()["services"]["worker"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    command = interpolate(test[1], {})
    assert "celery -A coproduction inspect ping" in command
    assert "-d celery@$HOSTNAME" in command  # $$ in the file: the container's shell expands it


def test_beat_is_never_scaled():
    beat = compose()["services"]["beat"]
    assert int(beat.get("deploy", {}).get("replicas", 1)) <= 1
    assert int(beat.get("scale", 1)) <= 1


def test_procfile_runs_the_same_processes():
    services = compose()["services"]
    processes = procfile()
    assert set(processes) == set(LONG_RUNNING)
    for name in LONG_RUNNING:
        assert process_signature(processes[name]) == process_signature(
            argv(services[name]["command"])
        ), name


# --- settings load with exactly the compose environment -------------------------------------

_SHOW_SETTINGS = """
import json, os
# As manage.py, coproduction/wsgi.py and coproduction/celery.py do:
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduction.settings")
import django
django.setup()
from django.conf import settings
from django.db import connection
from coproduction.celery import app
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_HOST": settings.DATABASES["default"]["HOST"],
    "vendor": connection.vendor,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "BROKER": settings.CELERY_BROKER_URL,
    "app_broker": app.conf.broker_url,
    "beat_scheduler": app.conf.beat_scheduler,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "PROXY_HEADER": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def test_settings_load_with_exactly_the_compose_environment():
    env = app_env()
    result = run_python(env, "-c", _SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["DEBUG"] is False
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["vendor"] == "postgresql"  # the driver is installed and importable
    assert loaded["DB_HOST"] == "postgres"
    assert loaded["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["BROKER"] == loaded["app_broker"] == env["CELERY_BROKER_URL"]
    assert loaded["beat_scheduler"] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert loaded["ALLOWED_HOSTS"] == ["localhost"]
    assert loaded["SSL_REDIRECT"] is True
    assert loaded["PROXY_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_deploy_checks_pass_with_the_compose_environment():
    env = {**app_env(), "DJANGO_ALLOWED_HOSTS": "hearth.example.org"}
    result = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


# --- the healthchecks do what they say --------------------------------------------------------


def _python_healthcheck(service: str) -> str:
    test = compose()["services"][service]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], service
    return test[3]


@contextmanager
def serving_hearth():
    """Hearth's WSGI app on a free local port, built now so it sees the current settings."""
    application = get_wsgi_application()  # loads the middleware, reading settings, now

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)
def test_web_healthcheck_passes_despite_the_https_redirect(settings, monkeypatch):
    host = "hearth.example.org"
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", f"{host},www.{host}")
    settings.ALLOWED_HOSTS = [host, f"www.{host}"]
    settings.SECURE_SSL_REDIRECT = True
    script = _python_healthcheck("web")
    assert "http://127.0.0.1:8000/healthz/" in script

    with serving_hearth() as url:
        exec(script.replace("http://127.0.0.1:8000", url), {})  # noqa: S102 - as the container

    settings.SECURE_REDIRECT_EXEMPT = []  # without the exemption: a redirect, not followed
    with serving_hearth() as url, pytest.raises(urllib.error.HTTPError) as redirected:
        exec(script.replace("http://127.0.0.1:8000", url), {})  # noqa: S102
    assert redirected.value.code == 301
    assert redirected.value.headers["Location"] == f"https://{host}/healthz/"

    settings.ALLOWED_HOSTS = ["elsewhere.example.org"]  # the wrong host: refused, not passed
    with serving_hearth() as url, pytest.raises(urllib.error.HTTPError) as refused:
        exec(script.replace("http://127.0.0.1:8000", url), {})  # noqa: S102
    assert refused.value.code == 400


def test_beat_healthcheck_follows_the_heartbeat(db):
    script = _python_healthcheck("beat")

    def exit_code() -> int:
        with pytest.raises(SystemExit) as exited:
            exec(script, {})  # noqa: S102 - the healthcheck, as the container runs it
        return exited.value.code

    assert exit_code() == 1  # no heartbeat yet
    heartbeat()
    assert exit_code() == 0
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=6))
    assert exit_code() == 1


# --- the image ------------------------------------------------------------------------------


def test_dockerfile_runs_gunicorn_with_debug_off():
    """The image on its own (without compose's command) serves Hearth on the port the
    healthcheck and the published port expect, with DEBUG off."""
    (cmd,) = [rest for keyword, rest in dockerfile_instructions() if keyword == "CMD"]
    command = " ".join(json.loads(cmd))
    assert re.search(r"\bgunicorn coproduction\.wsgi\b", command)
    assert "--bind 0.0.0.0:8000" in command
    assert dockerfile_env()["DJANGO_DEBUG"] == "false"


def test_dockerfile_runs_as_an_unprivileged_user():
    users = [rest for keyword, rest in dockerfile_instructions() if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_installs_the_locked_dependencies():
    """The image gets the versions CI tested, not whatever is newest on the day."""
    steps = [
        shlex.split(step)
        for keyword, rest in dockerfile_instructions()
        if keyword == "RUN"
        for step in rest.split("&&")
    ]
    installs = [step for step in steps if step[:2] == ["pip", "install"] and step[-1] == "."]
    assert installs, "the project is never installed"
    for step in installs:
        assert "-c" in step, step
        assert step[step.index("-c") + 1] == "requirements.lock", step


def test_dockerfile_build_only_values_stay_on_the_collectstatic_line():
    assignments, command = collectstatic_run()
    assert command == ["python", "manage.py", "collectstatic", "--noinput"]
    for name in (
        "DJANGO_SECRET_KEY",
        "HEARTH_FIELD_KEYS",
        "HEARTH_HASH_KEY",
        "DJANGO_ALLOWED_HOSTS",
    ):
        assert assignments.get(name), name
        assert name not in dockerfile_env(), f"{name} would stay in the image's environment"
        assert not any(
            keyword == "ARG" and name in rest for keyword, rest in dockerfile_instructions()
        )
    Fernet(assignments["HEARTH_FIELD_KEYS"])  # a real key, or the build would fail
    assert len(assignments["DJANGO_SECRET_KEY"]) >= 50
    compose_text = COMPOSE_FILE.read_text()
    assert assignments["HEARTH_FIELD_KEYS"] not in compose_text
    assert assignments["HEARTH_HASH_KEY"] not in compose_text
    assert assignments["DJANGO_SECRET_KEY"] not in compose_text


_COLLECTSTATIC = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduction.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
assert not settings.DEBUG
settings.STATIC_ROOT = sys.argv[1]  # not the checkout's staticfiles/
call_command("collectstatic", interactive=False, verbosity=0)
print(settings.STORAGES["staticfiles"]["BACKEND"])
"""


def test_dockerfile_collectstatic_succeeds_with_the_build_environment(tmp_path):
    """The image's environment plus the RUN line's values: settings load, static files collect."""
    assignments, _ = collectstatic_run()
    env = {**dockerfile_env(), **assignments, "HEARTH_VAR_DIR": str(tmp_path / "var")}
    result = run_python(env, "-c", _COLLECTSTATIC, str(tmp_path / "static"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_dockerignore_keeps_secrets_and_local_state_out():
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in ("var/", ".env", ".git/", ".venv/", "staticfiles/"):
        assert required in patterns, required
