"""Production settings with one addition: the bench's URL conf, which serves the
project's URLs plus a bare view to measure the framework's floor against.

Everything else (middleware, sessions, caches, DEBUG off) is the project's own, read
from the environment exactly as in production; `bench/pages.py` sets that environment.
"""

from pathlib import Path

from coproduction.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Collected static files go under var/, so a bench run leaves the checkout clean.
STATIC_ROOT = Path(VAR_DIR) / "bench" / "static"  # noqa: F405
