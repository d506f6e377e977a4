"""Admin change lists shared by every admin page with a date hierarchy."""

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


class DateHierarchyAdmin:
    """For a ModelAdmin with a `date_hierarchy`: its list answers a date out of range as a
    bad filter rather than a server error."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
