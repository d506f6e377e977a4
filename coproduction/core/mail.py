"""The file backend for a checkout: mail kept under var/mail and echoed to the console."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    """For a checkout: each message is kept as a file under var/mail and echoed to the
    console, so a newcomer can read a sign-in code without a mail server."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(message.message().as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()
