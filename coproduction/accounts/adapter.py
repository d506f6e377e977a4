from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from coproduction.accounts.mail import account_mail_queue
from coproduction.accounts.services import validate_password_one_problem

LOGIN_CODE_TEMPLATE = "account/email/login_code"


class HearthAccountAdapter(DefaultAccountAdapter):
    """People join Hearth by invitation only, so open sign-up stays closed; every mail
    allauth would send is kept in the outbox by `account_mail_queue`."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Silent either way: the page after asking reads the same whether or not
        # anything is sent, so a visitor learns nothing about the address.
        recipient = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if recipient is None:
            return
        ctx = {"request": self.request, "email": email, "user": recipient, **context}
        message = self.render_mail(template_prefix, email, ctx)
        account_mail_queue(
            message, recipient=recipient, login_code=template_prefix == LOGIN_CODE_TEMPLATE
        )

    def clean_password(self, password: str, user=None) -> str:
        validate_password_one_problem(password, user)
        return password
