from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "labinov.innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from labinov.innovations import requirements

        requirements.register()
