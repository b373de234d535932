from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    name = "labinov.index"
    label = "index"
    verbose_name = _("Regional innovation index")


#: The main menu's entry for the index (translated in this app's catalogue).
NAV_LABEL = _("Innovation index")
