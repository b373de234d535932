"""Collecting the static files before `labinov serve` answers, once per change.

Django's collectstatic with whitenoise's compressed manifest storage hashes and compresses
every file again on each run (about half a minute of CPU for django-ninja's Swagger
bundle), even when nothing changed. A fingerprint of the source files (path, size and
modification time of each, as the finders list them) is kept beside the collected files;
a server that starts with the same sources skips the work. A lock keeps two servers that
share the folder from collecting into it at once."""

import fcntl
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

#: Files of the installed packages that no page of Labinov uses (django-ninja's ReDoc;
#: the API docs page is Swagger UI), left out of the collected folder.
IGNORED = ["redoc*"]
STAMP = ".labinov-sources"


def fingerprint() -> str:
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in finder.list([*IGNORED, "CVS", ".*", "*~"]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect() -> bool:
    """Collect the static files if their sources changed since the last collection;
    answer whether it ran."""
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    stamp = root / STAMP
    with open(root / ".collect.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = fingerprint()
        if stamp.exists() and stamp.read_text() == wanted:
            return False
        stamp.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=IGNORED)
        stamp.write_text(wanted)
        return True
