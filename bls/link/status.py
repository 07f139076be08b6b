"""What the therapist is told about the client page: the server's status as one frozen value, and
its words for the console.

Rules: pure (no aiohttp, no pygame), so the console can show it without importing the server.
The server thread replaces the whole value when a page comes, taps or goes; the live loop reads
it whole, so it never sees half a change and never waits.
"""

from __future__ import annotations

from dataclasses import dataclass

WAITING = "waiting for the client to open the link"
CONNECTED = "client connected: waiting for their tap to turn on sound"
READY = "client ready (sound on)"
DISCONNECTED = "client disconnected: the set goes on; it resumes when they reconnect"


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """`pages`: client pages connected now; `ready`: one of them has its sound on (the client
    tapped); `last_disconnect_s`: when a page last went away (Clock.now() time), None if none
    has yet."""

    pages: int = 0
    ready: bool = False
    last_disconnect_s: float | None = None


def status_words(status: LinkStatus) -> str:
    """The client's status in the words the console shows."""
    if status.pages > 0:
        return READY if status.ready else CONNECTED
    return WAITING if status.last_disconnect_s is None else DISCONNECTED
