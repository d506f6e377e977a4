from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "coproduction.crypto"
    label = "crypto"
    verbose_name = "Encryption keys"
