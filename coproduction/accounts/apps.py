from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduction.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Importing these registers the app's erasure steps and download sections.
        from coproduction.accounts import download, erasure  # noqa: F401
