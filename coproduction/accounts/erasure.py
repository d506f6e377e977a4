"""Erasure steps for her account and what the third-party apps keep of it: allauth's
addresses, authenticators and rate-limit counters, and the admin site's log."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import router
from django.db.models import Q
from django.db.models.deletion import Collector

from coproduction.core import erasure


@erasure.identifies
def her_account(person: erasure.Person) -> None:
    from allauth.account.models import EmailAddress

    account = get_user_model().objects.filter(pk=person.pk).values("email", "username").first()
    if account:
        person.add_email(account["email"])
        person.add_login(account["username"])
    for email in EmailAddress.objects.filter(user_id=person.pk).values_list("email", flat=True):
        person.add_email(email)


def _rate_limit_keys(person: erasure.Person) -> list[str]:
    from allauth.account import app_settings as account_settings
    from allauth.core.internal.ratelimit import get_cache_key, get_rates

    # allauth's failed-sign-in counter is keyed by "<site domain>:<login>", the domain
    # being the host she used; the known hosts are tried. Every counter also expires on
    # its own within its window (minutes), so one under an unknown host soon goes.
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h.lstrip(".") and "*" not in h]
    typed = person.emails | person.logins | person.phones
    keyed = typed | {f"{host}:{login}" for host in hosts for login in typed}
    user = SimpleNamespace(pk=person.pk)
    keys = []
    for action in account_settings.RATE_LIMITS:
        for rate in get_rates(app="allauth.account", action=action):
            if rate.per == "user":
                keys.append(
                    get_cache_key(None, app="allauth.account", action=action, rate=rate, user=user)
                )
            elif rate.per == "key":
                keys += [
                    get_cache_key(None, app="allauth.account", action=action, rate=rate, key=k)
                    for k in keyed
                ]
    return keys + [f"{key}:lock" for key in keys]


@erasure.step("allauth.rate_limits", order=erasure.FIND_BY_ADDRESS)
def forget_rate_limits(person: erasure.Person) -> None:
    """Delete allauth's counters kept under her id or an unsalted hash of her address or
    sign-in name, which anyone who guesses the address could match. allauth has no
    public way to clear a key without a request, so its key scheme is used directly."""
    cache.delete_many(_rate_limit_keys(person))


@erasure.step("allauth.addresses_and_authenticators", order=erasure.FIND_BY_ADDRESS)
def forget_allauth_rows(person: erasure.Person) -> None:
    """Delete her allauth rows outright rather than leave them to the account's cascade:
    e-mail confirmations sent to any of her addresses, her addresses, her second factors.
    (Sign-in codes live in the session, which the sessions step ends.)"""
    from allauth.account.models import EmailAddress, EmailConfirmation
    from allauth.mfa.models import Authenticator

    hers = Q(email_address__user_id=person.pk)
    for email in person.emails:
        hers |= Q(email_address__email__iexact=email)
    EmailConfirmation.objects.filter(hers).delete()
    EmailAddress.objects.filter(user_id=person.pk).delete()
    Authenticator.objects.filter(user_id=person.pk).delete()


@erasure.step("admin.log", order=erasure.DELETE_ACCOUNT - 10)
def forget_admin_log(person: erasure.Person) -> None:
    """Delete the admin log's entries about her account, about every row that goes with
    it (found as deleting her account would find them), and any that names her address
    or sign-in name. Runs just before her account is deleted, so those rows still exist."""
    from django.contrib.admin.models import LogEntry

    user_model = get_user_model()
    account = user_model.objects.filter(pk=person.pk)
    collector = Collector(using=router.db_for_write(user_model), origin=account)
    collector.collect(account)
    for model, instances in collector.data.items():
        erasure.admin_log_forget(model=model, pks=[i.pk for i in instances])
    for queryset in collector.fast_deletes:
        erasure.admin_log_forget(model=queryset.model, pks=queryset.values_list("pk", flat=True))
    names_her = Q(pk__in=[])
    for email in person.emails:
        names_her |= Q(object_repr__icontains=email)
    for login in person.logins:
        names_her |= Q(object_repr__iexact=login)
    LogEntry.objects.filter(names_her).delete()


@erasure.step("accounts.account", order=erasure.DELETE_ACCOUNT)
def delete_account(person: erasure.Person) -> None:
    """Delete her account and everything that cascades from it."""
    get_user_model().objects.filter(pk=person.pk).delete()
