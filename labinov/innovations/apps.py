from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "labinov.innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from labinov.innovations import requirements, schedule, subjects  # noqa: F401

        requirements.register()
        subjects.register()


#: The main menu's entry for innovations (translated in this app's catalogue).
NAV_LABEL = _("Innovations")
