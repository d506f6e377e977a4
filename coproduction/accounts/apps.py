from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduction.accounts"
    label = "accounts"
    verbose_name = "Accounts"
