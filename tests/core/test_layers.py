"""The apps' layering (DESIGN.md): the contracts `lint-imports` enforces say what they should,
and the platform's URLconf reaches each audience's home without importing its app."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.urls import resolve, reverse

from groups.views import staff as staff_views
from sessions_app.views import member as member_views

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
LAYERS = ["sessions_app", "consent", "groups", "coproduction"]
DOMAIN_APPS = {"sessions_app", "consent", "groups"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return {contract["type"]: contract for contract in config["contracts"]}


def test_the_layers_run_from_sessions_to_the_platform():
    assert contracts()["layers"]["layers"] == LAYERS


def test_the_platform_may_import_no_domain_app():
    forbidden = contracts()["forbidden"]
    assert forbidden["source_modules"] == ["coproduction"]
    assert set(forbidden["forbidden_modules"]) == DOMAIN_APPS


def test_no_app_may_hold_an_import_cycle():
    acyclic = contracts()["acyclic_siblings"]
    assert set(acyclic["ancestors"]) == set(LAYERS)


def test_no_contract_excuses_an_import():
    assert not [name for name, contract in contracts().items() if contract.get("ignore_imports")]


def test_each_audience_keeps_its_home_address_and_name():
    assert reverse("member_home") == "/my/"
    assert reverse("staff_home") == "/staff/"
    assert resolve("/my/").func is member_views.home
    assert resolve("/staff/").func is staff_views.home
