from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coproduction.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Importing the module registers its steps in the erasure list.
        from coproduction.accounts import erasure  # noqa: F401
