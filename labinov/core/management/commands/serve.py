import atexit
import subprocess
import sys

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
            "--task-workers",
            type=int,
            default=1,
            help="background task workers to start beside the server, for imports from the "
            "browser (default 1; 0 when workers run elsewhere, e.g. `labinov db_worker`)",
        )
        parser.add_argument(
            "--dev", action="store_true", help="Django's auto-reloading development server"
        )

    def handle(self, *args, host, port, workers, task_workers, dev, **options):
        self._start_task_workers(task_workers)
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

    def _start_task_workers(self, count: int) -> None:
        """Background work (large imports) needs a worker; on one machine the server starts
        it, in its own process group so that stopping the server stops it too."""
        processes = [
            subprocess.Popen([sys.executable, "-m", "labinov", "db_worker", "--no-reload"])
            for _ in range(max(count, 0))
        ]

        def stop():
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

        atexit.register(stop)
