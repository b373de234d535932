from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "labinov.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from labinov.opendata import signals  # noqa: F401 - the harvest schedule
