from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class HearthAccountAdapter(DefaultAccountAdapter):
    """People join Hearth by invitation only, so open sign-up stays closed."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
