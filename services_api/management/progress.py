"""Progress lines for long-running management commands (count, rate, ETA).

Commands such as ``seed_demo``, ``import_drupal_users`` and ``services_import`` can run for many
seconds; a person at a terminal wants to see that they move. Progress is written only when the
command's output is a terminal and ``--verbosity`` is at least 1, so logs, pipes and CI output
stay as they were::

    progress = Progress(self.stdout, verbosity=options["verbosity"])
    with progress.stage("articles", total=20000) as stage:
        for batch in batches:
            save(batch)
            stage.advance(len(batch))

A terminal sees one line per stage, rewritten in place at most every ``interval`` seconds:
``articles: 12000/20000 (60%), 9,800/s, ETA 1s``, and its final form once the stage ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Progress", "Stage"]

#: Seconds between two rewrites of a progress line.
INTERVAL = 0.2


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "-"


class Stage:
    """One counted step of a command; ``advance(n)`` after each piece of work."""

    def __init__(
        self, write: Callable[[str, bool], None], label: str, total: int | None, interval: float
    ) -> None:
        self.write = write
        self.label = label
        self.total = total
        self.count = 0
        self.interval = interval
        self.started = time.monotonic()
        self.shown = 0.0

    def advance(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if now - self.shown >= self.interval:
            self.shown = now
            self.write(self.line(now), False)

    def line(self, now: float | None = None) -> str:
        """``label: count/total (pct%), rate/s, ETA Ns`` (without total: ``label: count``)."""
        elapsed = (now or time.monotonic()) - self.started
        rate = _rate(self.count, elapsed)
        if not self.total:
            return f"{self.label}: {self.count:,}, {rate}"
        percent = 100 * self.count // self.total
        remaining = self.total - self.count
        eta = f"{remaining * elapsed / self.count:.0f}s" if self.count else "?"
        return f"{self.label}: {self.count:,}/{self.total:,} ({percent}%), {rate}, ETA {eta}"

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        self.write(
            f"{self.label}: {self.count:,} in {elapsed:.1f}s, {_rate(self.count, elapsed)}", True
        )


class Progress:
    """Progress output of one command run; silent unless ``out`` is a terminal."""

    def __init__(self, out: Any, *, verbosity: int = 1, interval: float | None = None) -> None:
        isatty = getattr(out, "isatty", None)
        self.enabled = verbosity >= 1 and bool(isatty and isatty())
        self.out = out
        self.interval = INTERVAL if interval is None else interval

    def _write(self, line: str, final: bool) -> None:
        # ``\r`` + clear-to-end-of-line rewrites the line in place on a terminal.
        self.out.write(f"\r\x1b[K{line}", ending="\n" if final else "")
        self.out.flush()

    @contextmanager
    def stage(self, label: str, total: int | None = None) -> Iterator[Stage]:
        """Count one step; its final line (count, time, rate) is written when it ends."""
        stage = Stage(self._write if self.enabled else _ignore, label, total, self.interval)
        yield stage
        if self.enabled:
            stage.finish()


def _ignore(line: str, final: bool) -> None:
    """Where progress goes when it is off."""
