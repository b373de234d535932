from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "labinov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from labinov.core import checks  # noqa: F401  (registers the system checks)

        # Every decoding of an image (photos in PDFs too) refuses past twice the limit
        # that uploads are checked against (core/uploads.py), instead of Pillow's 179 MP.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
