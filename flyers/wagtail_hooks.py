from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_print_material_urls():
    return [path("print-material/", admin_views.PrintMaterialView.as_view(),
                 name="flyers_print_material")]


@hooks.register("register_admin_menu_item")
def register_print_material_menu_item():
    # Every admin user (editors, the Segreteria): the flyers show only published content.
    return MenuItem(_("Print material"), reverse("flyers_print_material"),
                    name="print-material", icon_name="doc-full", order=158)
