"""`bls run --link`: the client link's server attached to the live loop as an observer.

Rules: the live loop calls `published` after every change it hands to the audio, so the page
hears of each start, stop and speed change as soon as the sound does; each call also tells the
server what timeline time it is (the audio's clock), which the page's clock pings are answered
in. The server thread never touches the audio output. Nothing here blocks the loop.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bls.audio.lr_check import LrStep
from bls.audio.output import Output
from bls.clock import Clock
from bls.core.session import Session, SetEnded
from bls.link.server import LinkServer
from bls.options import RunOptions


class LinkObserver:
    """Sends the session's timelines and left/right checks to the client page."""

    def __init__(self, server: LinkServer, output: Output, clock: Clock) -> None:
        self.server = server
        self._output = output
        self._clock = clock

    def published(self, session: Session) -> None:
        self._tell_clock()
        self.server.publish(session.timelines(), session.profile)

    def set_ended(self, ended: SetEnded, session: Session) -> None:
        self._tell_clock()

    def lr_check(self, plan: tuple[LrStep, ...]) -> None:
        self._tell_clock()
        self.server.lr_check(plan)

    @property
    def ready(self) -> bool:
        """For --autostart: a page is connected and its sound is unlocked."""
        return self.server.ready

    def _tell_clock(self) -> None:
        now = self._clock.now()
        self.server.set_timeline_clock(now, self._output.heard_time(now))


def open_link(options: RunOptions, output: Output, clock: Clock,
              say: Callable[[str], None]) -> LinkObserver:
    """Start the server and print the link (`client link: URL` on stdout, and a QR code of it
    when stdout is a terminal). Raises LinkError (one line) when it cannot serve."""
    server = LinkServer(clock=clock, on_change=say)
    cert = str(options.cert) if options.cert is not None else None
    key = str(options.key) if options.key is not None else None
    url = server.start(options.host, options.port, cert, key)
    print(f"client link: {url}", flush=True)
    if sys.stdout.isatty():
        _print_qr(url)
    observer = LinkObserver(server, output, clock)
    observer._tell_clock()
    return observer


def _print_qr(url: str) -> None:
    try:
        import segno
    except ImportError:  # the QR code is a convenience; the link above is what matters
        return
    segno.make(url, error="m").terminal(compact=True)
