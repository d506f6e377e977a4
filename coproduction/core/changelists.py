"""Admin change lists shared by the platform's admin pages (audit trail, beat's tasks)."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateHierarchyChangeList(ChangeList):
    """Django turns a year or month too big for a date (`?at__year=99999999999999999999`)
    into OverflowError, not the "bad filter" answer it gives other wrong values."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error
