"""The page bench: seeds, a bench-only settings module and URL conf, and the runner
(`bench/pages.py`). Nothing here is imported by the project."""
