from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabConfig(AppConfig):
    name = "labinov.lab"
    label = "lab"
    verbose_name = _("Innovation laboratory")

    def ready(self):
        from labinov.lab import requirements, subjects

        requirements.register()
        subjects.register()


#: The main menu's entry for the lab (translated in this app's catalogue).
NAV_LABEL = _("Laboratory")
