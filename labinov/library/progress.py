"""A progress bar for long CLI work, shown only when the output is a terminal."""

import sys
import time


class ProgressBar:
    def __init__(self, label: str, total: int | None = None, stream=None):
        self.stream = stream or sys.stderr
        # Only for a person at a terminal: never when the output goes to a file or a pipe.
        self.enabled = (
            sys.stdout.isatty() and hasattr(self.stream, "isatty") and self.stream.isatty()
        )
        self.label, self.total, self.started, self.last = label, total, time.monotonic(), 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done != self.total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        if self.total:
            share = min(done / self.total, 1.0)
            bar = "#" * int(30 * share)
            text = f"\r{self.label} [{bar:<30}] {done}/{self.total} ({rate:,.0f}/s)"
        else:
            text = f"\r{self.label} {done} ({rate:,.0f}/s)"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
