import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from labinov.core import staticfiles
from labinov.core.supervisor import Supervisor


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
            "--task-workers",
            type=int,
            default=1,
            help="background task workers to start beside the server, for imports from the "
            "browser; one that exits is started again (default 1; 0 when workers run "
            "elsewhere, e.g. `labinov db_worker`)",
        )
        parser.add_argument(
            "--dev", action="store_true", help="Django's auto-reloading development server"
        )

    def handle(self, *args, host, port, workers, task_workers, dev, **options):
        if task_workers > 0:
            # This process becomes the supervisor of the web server (this same command
            # without task workers) and of the workers, restarting a worker that exits.
            web = [sys.executable, "-m", "labinov", "serve", "--task-workers", "0"]
            web += ["--host", host, "--port", str(port), "--workers", str(workers)]
            worker = [sys.executable, "-m", "labinov", "db_worker", "--no-reload"]
            code = Supervisor(
                web=web + (["--dev"] if dev else []), worker=worker, workers=task_workers
            ).run()
            sys.exit(code)
        if dev:
            call_command("runserver", f"{host}:{port}")
            return
        # Hashed, compressed static files for whitenoise, collected again only when they changed.
        staticfiles.collect()
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
