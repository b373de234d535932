from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Labinov over HTTP with gunicorn (or Django's development server with --dev)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_CONCURRENCY,
            help="gunicorn worker processes (default: $WEB_CONCURRENCY or 3)",
        )
        parser.add_argument(
            "--dev", action="store_true", help="Django's auto-reloading development server"
        )

    def handle(self, *args, host, port, workers, dev, **options):
        if dev:
            call_command("runserver", f"{host}:{port}")
            return
        # Hashed, compressed static files for whitenoise; quick when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from labinov.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", "-")
                self.cfg.set("timeout", 120)
                self.cfg.set("graceful_timeout", 20)

            def load(self):
                return application

        self.stdout.write(f"Labinov: http://{host}:{port}/ ({workers} workers)")
        Server().run()
