"""The session log as an observer of the live loop: each set that ends becomes one record.

Rules: called with each `SetEnded` (which carries the set's timeline) and once more as the
program quits (`quit`), for a set still under way; never raises; a problem with the log is said
once through `say`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bls.core.session import Session, SetEnded
from bls.core.timeline import SetTimeline
from bls.log.store import Log

if TYPE_CHECKING:
    from bls.audio.lr_check import LrStep


class LogObserver:
    """Hears of the live session's changes and writes each ended set into `log`."""

    def __init__(self, log: Log, say: Callable[[str], None]) -> None:
        self.log = log
        self._say = say
        self._logged: set[int] = set()

    def published(self, session: Session) -> None:
        pass  # the log records sets as they end, not each change

    def lr_check(self, plan: tuple[LrStep, ...]) -> None:
        pass  # a left/right check is not a set

    def set_ended(self, ended: SetEnded, session: Session) -> None:
        self._write(ended.set_number, ended.timeline, session.profile.name, ended.rest_s)

    def quit(self, session: Session, t: float) -> None:
        """The program quits at `t` (the session clock): a set under way is logged as stopped
        there (one gliding home after its last pass, as completed)."""
        timeline = session.current
        if timeline is None or session.set_number in self._logged or t < timeline.start_s:
            return  # no set, logged already, or queued and never begun
        self._write(session.set_number, timeline.stopped(t), session.profile.name, t)

    def _write(self, set_number: int, timeline: SetTimeline, profile: str, now_s: float) -> None:
        self._logged.add(set_number)
        self.log.set_ended(set_number, timeline, profile, now_s)
        problem = self.log.take_problem()
        if problem is not None:
            self._say(problem)
