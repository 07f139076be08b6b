"""The client link's web server: serves the page to the holder of the session's token, and sends
it every timeline the session publishes.

Rules: aiohttp runs its own asyncio loop in one background thread; the live loop talks to it only
through `LinkServer`'s methods, which hand whole encoded messages over with
`call_soon_threadsafe` and never block on the network. Every path without the token (or after
`stop`) gets 403 with an empty body. Nothing about a client is logged or stored (no access log,
no cookies); one page at a time unless `allow_more`. What pages send is parsed by
`bls.link.protocol` and dropped when malformed, too large or too frequent.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from aiohttp import WSMsgType, web

from bls.audio.lr_check import beep_wave
from bls.clock import Clock
from bls.core.profile import Profile
from bls.core.synth import SAMPLE_RATE
from bls.core.timeline import SetTimeline
from bls.link import protocol
from bls.link.status import LinkStatus
from bls.sounds import voice_for

if TYPE_CHECKING:
    from bls.audio.lr_check import LrStep

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {  # the only files served, with their types (module scripts need a JS type)
    "client.html": "text/html; charset=utf-8",
    "client.js": "text/javascript; charset=utf-8",
    "timeline.js": "text/javascript; charset=utf-8",
    "client.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never pass it on
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'self'; connect-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
}
HEARTBEAT_S = 2.0  # a page that vanished (network dropped) is noticed within about this
BUSY_CLOSE_CODE = 4409  # a second page while one is open, and more were not allowed
START_TIMEOUT_S = 10.0
MAX_WS_FRAME_BYTES = 4096  # larger frames close the connection (aiohttp's own limit)


class LinkError(Exception):
    """The link cannot be served (port taken, bad certificate), in one printable line.

    `exit_code` is 2 for what the user gave (a certificate that does not load), 1 otherwise."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(eq=False)
class _Page:
    """One connected page: its socket, its outgoing queue and what it told us."""

    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    unlocked: bool = False
    limit: protocol.RateLimit = field(default_factory=protocol.RateLimit)


class LinkServer:
    """The web server of one session. Thread-safe API: start, publish, lr_check, status, stop."""

    def __init__(self, *, clock: Clock | None = None, allow_more: bool = False,
                 sample_rate: int = SAMPLE_RATE,
                 on_change: Callable[[str], None] | None = None) -> None:
        self.allow_more = allow_more
        self._on_change = on_change  # one line when a page comes, unlocks or goes (no address)
        self.token = secrets.token_urlsafe(16)  # 128 bits
        self.url: str | None = None
        self._clock = clock or Clock()
        self._sample_rate = sample_rate
        # (wall_s, timeline_s): timeline time is wall time plus this pair's difference. Swapped
        # whole by the live loop (`set_timeline_clock`), read whole by the server thread.
        self._reference: tuple[float, float] = (0.0, 0.0)
        self._state: str | None = None  # the newest "timelines" message, encoded
        self._sounds: dict[str, bytes] = {}
        self._pages: set[_Page] = set()
        self._status = LinkStatus()  # replaced whole by the server thread (`_page_changed`)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopped = False

    # -- the live loop's side ---------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0, cert: str | None = None,
              key: str | None = None) -> str:
        """Serve on host:port (0: any free port); returns the client link. Raises LinkError."""
        context = _tls_context(cert, key)
        # aiohttp's own log names the client's address when a request fails: keep it silent.
        aiohttp_log = logging.getLogger("aiohttp")
        aiohttp_log.addHandler(logging.NullHandler())
        aiohttp_log.propagate = False
        self._add_sound("beep", lambda: beep_wave(self._sample_rate))
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="bls-link", daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(host, port, context), loop)
        try:
            bound_port = future.result(timeout=START_TIMEOUT_S)
        except OSError as error:
            self._end_loop()
            reason = error.strerror or str(error)
            raise LinkError(f"client link: cannot listen on {host}:{port}: {reason}") from None
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://{_url_host(host)}:{bound_port}/{self.token}/"
        return self.url

    def set_timeline_clock(self, wall_s: float, timeline_s: float) -> None:
        """Tell the server what timeline time it is at wall time `wall_s` (clock.now() units):
        the live loop passes (now, output.heard_time(now)) each frame, so clock pings are
        answered in the audio's time without the server thread touching the audio."""
        self._reference = (wall_s, timeline_s)

    def timeline_now(self) -> float:
        wall_s, timeline_s = self._reference
        return timeline_s + (self._clock.now() - wall_s)

    def publish(self, timelines: Sequence[SetTimeline], profile: Profile,
                volume_share: float = 1.0) -> None:
        """Send the session's timelines (call with what goes to `output.publish`)."""
        self._add_sound(protocol.sound_id(profile),
                        # the tone exactly as bls plays it (same synth, sample and ramps)
                        lambda: voice_for(profile.audio, self._sample_rate).wave)
        message = protocol.encode(protocol.timelines_message(timelines, profile, volume_share))
        self._state = message
        self._send_all(message)

    def lr_check(self, plan: Sequence[LrStep]) -> None:
        """Play a left/right check on the page (words and beeps at the plan's timeline times)."""
        self._add_sound("beep", lambda: beep_wave(self._sample_rate))
        self._send_all(protocol.encode(protocol.lr_check_message(plan)))

    @property
    def clients(self) -> int:
        """Pages connected now."""
        return len(self._pages)

    @property
    def ready(self) -> bool:
        """A page is connected and its sound is unlocked (the client tapped)."""
        return any(page.unlocked for page in tuple(self._pages))

    @property
    def status(self) -> LinkStatus:
        """Pages connected, sound on, last page gone: one value, safe to read from any thread
        (the server thread replaces it whole, never changes it in place)."""
        return self._status

    def stop(self) -> None:
        """Close every page and the server; the token is dead from now on."""
        if self._stopped:
            return
        self._stopped = True
        loop = self._loop
        if loop is not None and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            try:
                future.result(timeout=5.0)
            except Exception:  # a stuck socket must not keep the program from exiting
                pass
        self._end_loop()

    def __enter__(self) -> LinkServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _add_sound(self, name: str, make: Callable[[], np.ndarray]) -> None:
        if name not in self._sounds:
            wave = np.asarray(make(), dtype="<f4")
            self._sounds = {**self._sounds, name: wave.tobytes()}

    def _send_all(self, message: str) -> None:
        loop = self._loop
        if loop is not None and not self._stopped:
            loop.call_soon_threadsafe(self._enqueue_all, message)

    def _end_loop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5.0)
        if loop is not None and not loop.is_running():
            loop.close()
        self._loop = self._thread = None

    # -- the server thread ------------------------------------------------------------------

    def _enqueue_all(self, message: str) -> None:
        for page in self._pages:
            page.queue.put_nowait(message)

    async def _serve(self, host: str, port: int, context: ssl.SSLContext | None) -> int:
        app = web.Application(client_max_size=1024)
        app.router.add_route("*", "/{path:.*}", self._route)
        # access_log=None: the access log would record every client's address.
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        self._runner = runner
        site = web.TCPSite(runner, host, port, ssl_context=context)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        server = site._server  # the bound port when 0 was asked for
        sockets = getattr(server, "sockets", None) or ()
        return int(sockets[0].getsockname()[1]) if sockets else port

    async def _shutdown(self) -> None:
        for page in tuple(self._pages):
            page.queue.put_nowait(None)
            await page.ws.close(code=1001, message=b"session ended")
        if self._runner is not None:
            await self._runner.cleanup()

    async def _route(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.split("/")  # "", token, rest...
        if self._stopped or len(parts) < 2 or not hmac.compare_digest(
                parts[1].encode(), self.token.encode()):
            return _forbidden()
        rest = parts[2:]
        if request.method != "GET":
            return _forbidden()
        if not rest:
            raise web.HTTPFound(f"/{self.token}/")
        if rest == [""]:
            return _file("client.html")
        if len(rest) == 2 and rest[0] == "static" and rest[1] in STATIC_FILES:
            return _file(rest[1])
        if len(rest) == 2 and rest[0] == "sound" and rest[1].endswith(".f32"):
            data = self._sounds.get(rest[1].removesuffix(".f32"))
            if data is not None:
                return web.Response(body=data, content_type="application/octet-stream",
                                    headers=SECURITY_HEADERS)
        if rest == ["ws"]:
            return await self._socket(request)
        return _forbidden()

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_WS_FRAME_BYTES,
                                   compress=False)
        await ws.prepare(request)
        if self._pages and not self.allow_more:
            await ws.send_str(protocol.encode({"type": "busy", "v": protocol.VERSION}))
            await ws.close(code=BUSY_CLOSE_CODE, message=b"another page is open")
            return ws
        page = _Page(ws)
        self._pages.add(page)
        self._page_changed()
        self._tell("client page connected")
        sender = asyncio.create_task(self._send_loop(page))
        try:
            hello = {"type": "hello", "v": protocol.VERSION, "lead_s": protocol.START_LEAD_S,
                     "server_s": self.timeline_now()}
            page.queue.put_nowait(protocol.encode(hello))
            if self._state is not None:  # a page that (re)connects resumes the set in place
                page.queue.put_nowait(self._state)
            async for message in ws:
                if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                if not page.limit.allow(self._clock.now()):
                    continue
                self._handle(page, protocol.parse_client_message(message.data))
        finally:
            self._pages.discard(page)
            self._page_changed(gone=True)
            if not self._stopped:
                self._tell("client page disconnected (it goes on with the set it has)")
            page.queue.put_nowait(None)
            await sender
        return ws

    def _handle(self, page: _Page, message: protocol.ClientMessage | None) -> None:
        if isinstance(message, protocol.Ping):
            pong = protocol.pong_message(message.ping_id, message.page_s, self.timeline_now())
            page.queue.put_nowait(protocol.encode(pong))
        elif isinstance(message, protocol.PageState):
            if message.unlocked and not page.unlocked:
                self._tell("client page ready: sound on")
            page.unlocked = message.unlocked
            self._page_changed()

    def _page_changed(self, *, gone: bool = False) -> None:
        """A page came, went or told its sound state: publish the new status whole."""
        old = self._status
        self._status = replace(
            old, pages=len(self._pages), ready=any(page.unlocked for page in self._pages),
            last_disconnect_s=self._clock.now() if gone else old.last_disconnect_s)

    def _tell(self, line: str) -> None:
        if self._on_change is not None:
            self._on_change(line)

    @staticmethod
    async def _send_loop(page: _Page) -> None:
        """One writer per page keeps messages in the order they were published."""
        while True:
            message = await page.queue.get()
            if message is None or page.ws.closed:
                return
            try:
                await page.ws.send_str(message)
            except (ConnectionError, RuntimeError):
                return


def _forbidden() -> web.Response:
    return web.Response(status=403, body=b"", headers={"Cache-Control": "no-store"})


def _file(name: str) -> web.Response:
    body = (STATIC_DIR / name).read_bytes()
    return web.Response(body=body, headers={**SECURITY_HEADERS,
                                            "Content-Type": STATIC_FILES[name]})


def _tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise LinkError("client link: --cert and --key go together", exit_code=2)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as error:
        raise LinkError(f"client link: {error.filename}: no such file", exit_code=2) from None
    except (ssl.SSLError, OSError) as error:
        reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
        raise LinkError(f"client link: cannot use certificate {cert} with key {key}: "
                        f"{reason}", exit_code=2) from None
    return context


def _url_host(host: str) -> str:
    """The host to print in the link: this machine's name when listening on every address."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host

