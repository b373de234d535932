from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "labinov.library"
    label = "library"
    verbose_name = _("Knowledge base")

    def ready(self):
        from labinov.library import signals  # noqa: F401 - connects the receivers
