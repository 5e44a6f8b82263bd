"""The ratings' report under Reports (rating/report.py)."""

from django.urls import path, reverse
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from rating.report import RatingReportView, may_read_report


@hooks.register("register_admin_urls")
def register_rating_report_urls():
    return [
        path("reports/page-ratings/", RatingReportView.as_view(), name="rating_report"),
        path("reports/page-ratings/results/", RatingReportView.as_view(results_only=True),
             name="rating_report_results"),
    ]


class RatingReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_report(request.user)


@hooks.register("register_reports_menu_item")
def register_rating_report_menu_item():
    return RatingReportMenuItem(pgettext_lazy("rating", "Page ratings"),
                                reverse("rating_report"), name="page-ratings",
                                icon_name="pick", order=800)
