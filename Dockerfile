# Hearth: one image for every process (web, worker, beat, migrate); docker-compose.yml
# chooses the command. All configuration comes from the environment at run time
# (coproduction/settings.py); nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# The processes run as this unprivileged user; the code and static files stay root-owned,
# so a compromised process cannot rewrite them.
RUN groupadd --system --gid 10001 hearth \
    && useradd --system --uid 10001 --gid hearth --create-home --home-dir /home/hearth \
        --shell /usr/sbin/nologin hearth

WORKDIR /app

# Dependencies first, so that a change to the code does not reinstall them. pyproject.toml
# lists no packages (the apps are imported from /app, the working directory), so this
# installs the pinned dependencies and an empty "hearth" distribution.
# pip 25.3+ for --build-constraint: xstatic-bootstrap's sdist needs setuptools<81 to build.
COPY pyproject.toml requirements.lock build-constraints.txt ./
RUN pip install --upgrade "pip>=25.3" \
    && pip install --build-constraint build-constraints.txt -c requirements.lock . \
    && rm -rf build hearth.egg-info

COPY . .

ENV DJANGO_DEBUG=false

# Static files are collected into the image (whitenoise serves them, hashed and compressed).
# Settings refuse to load with debug off unless these are set, so this one command gets
# throwaway values. BUILD-ONLY: they exist only for this RUN line, are not kept in the
# image's environment and are never used at run time, where docker-compose.yml requires
# the real DJANGO_SECRET_KEY, HEARTH_FIELD_KEYS, HEARTH_HASH_KEY, DJANGO_ALLOWED_HOSTS,
# DATABASE_URL and CELERY_BROKER_URL (collectstatic connects to neither).
# HEARTH_VAR_DIR keeps the build's scratch files (the default file-system broker's
# folders) out of the image.
RUN DJANGO_SECRET_KEY="build-only-collectstatic-not-a-secret-never-used-at-run-time-0123456789" \
    HEARTH_FIELD_KEYS="obZL7bNxSRdlSvvkbFVyRPjLv-IOZzGdOx8DFNYi77A=" \
    HEARTH_HASH_KEY="build-only-hash-key-not-a-secret-never-used" \
    DJANGO_ALLOWED_HOSTS="build-only.invalid" \
    DATABASE_URL="postgres://build-only.invalid/none" \
    CELERY_BROKER_URL="redis://build-only.invalid:6379/0" \
    HEARTH_VAR_DIR="/tmp/hearth-build" \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/hearth-build \
    && mkdir -p /app/var \
    && chown hearth:hearth /app/var

USER hearth

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the worker and beat, which serve no HTTP;
# docker-compose.yml gives each service its own.
# exec: gunicorn replaces the shell, so it receives `docker stop`'s SIGTERM.
CMD ["sh", "-c", "exec gunicorn coproduction.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
