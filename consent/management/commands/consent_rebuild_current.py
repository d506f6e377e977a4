from django.core.management.base import BaseCommand
from django.utils.translation import gettext, gettext_lazy

from consent import projection


class Command(BaseCommand):
    help = gettext_lazy(
        "Recompute every member's current answers from the consent ledger (after the "
        "ledger was filled in bulk, or to check the projection). Safe to run again."
    )

    def handle(self, *args, **options):
        rows = projection.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Rebuilt %(rows)d current answers from the ledger.") % {"rows": rows}
            )
        )
