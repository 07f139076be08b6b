"""The client link's server on a real socket: TLS, refusals, and what a misbehaving page gets."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from bls.core.session import Session
from bls.link.protocol import MAX_MESSAGE_BYTES
from bls.link.server import LinkError, LinkServer
from bls.profiles import Library


@pytest.fixture
def link():
    server = LinkServer()
    server.start("127.0.0.1", 0)
    profile = Library.discover().load("share")
    session = Session(profile)
    session.start(1.0)
    server.publish(session.timelines(), profile)
    yield server
    server.stop()


async def _talk(url: str, sends: list[str]) -> list[dict]:
    """Connect as a page, send `sends`, then one good ping; return what came back by then."""
    received = []
    async with aiohttp.ClientSession() as client, client.ws_connect(url + "ws") as ws:
        for data in sends:
            await ws.send_str(data)
        await ws.send_str(json.dumps({"type": "ping", "id": 7, "page_s": 1.5}))
        while True:
            message = await asyncio.wait_for(ws.receive(), 5)
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            received.append(json.loads(message.data))
            if received[-1].get("type") == "pong" and received[-1]["id"] == 7:
                break
    return received


def test_a_page_that_sends_garbage_still_gets_the_set_and_its_clock(link: LinkServer) -> None:
    assert link.url is not None
    garbage = ["", "{", "[]", '{"type":"ping","id":"x"}', '{"type":"quit"}',
               "x" * (MAX_MESSAGE_BYTES + 1), '{"type":"state","unlocked":"yes"}']
    received = asyncio.run(_talk(link.url, garbage))
    kinds = [m["type"] for m in received]
    assert kinds[:2] == ["hello", "timelines"]  # the set in progress, at once
    assert received[-1]["type"] == "pong" and received[-1]["page_s"] == 1.5
    assert not link.ready  # nothing malformed counted as "sound on"


async def _read_for(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline, received = loop.time() + seconds, []
    while (left := deadline - loop.time()) > 0:
        try:
            message = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            break
        received.append(json.loads(message.data))
    return received


async def _flood(url: str, count: int) -> tuple[int, bool]:
    """Send `count` pings at once; count the pongs in the next second; then, after a pause, one
    more ping: (pongs to the flood, whether the late ping was answered)."""
    async with aiohttp.ClientSession() as client, client.ws_connect(url + "ws") as ws:
        for i in range(count):
            await ws.send_str(json.dumps({"type": "ping", "id": 1000 + i, "page_s": 1.0}))
        pongs = sum(m["type"] == "pong" for m in await _read_for(ws, 1.0))
        await _read_for(ws, 2.0)  # a pause (reading, which answers the server's heartbeat)
        await ws.send_str(json.dumps({"type": "ping", "id": 7, "page_s": 2.0}))
        answer = json.loads((await asyncio.wait_for(ws.receive(), 5)).data)
        return pongs, answer == {"type": "pong", "id": 7, "page_s": 2.0,
                                 "server_s": answer.get("server_s")}


def test_a_flood_of_pings_is_cut_down_and_the_page_is_heard_again_later(
        link: LinkServer) -> None:
    assert link.url is not None
    pongs, answered_later = asyncio.run(_flood(link.url, 500))
    assert 40 <= pongs < 100  # the burst allowance and a second's rate, not 500 answers
    assert answered_later


def test_tls_serves_the_page_over_https_and_still_refuses_wrong_tokens(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    with LinkServer() as server:
        url = server.start("127.0.0.1", 0, str(cert), str(key))
        assert url.startswith("https://")
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        with urllib.request.urlopen(url, context=context, timeout=5) as page:
            assert b"Tap to start" in page.read()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url.replace(server.token, "x" * 22), context=context,
                                   timeout=5)
        assert refused.value.code == 403


def test_a_certificate_that_does_not_load_is_the_users_to_fix(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("not a key")
    with pytest.raises(LinkError) as failed:
        LinkServer().start("127.0.0.1", 0, str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
    assert failed.value.exit_code == 2 and "cert.pem" in str(failed.value)


def test_a_port_in_use_is_one_line_and_a_runtime_failure() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(LinkError) as failed:
            LinkServer().start("127.0.0.1", port)
    assert failed.value.exit_code == 1
    assert f"127.0.0.1:{port}" in str(failed.value) and "\n" not in str(failed.value)


def _wait_for(check, what: str, timeout_s: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_the_status_follows_a_page_from_connecting_to_its_tap_to_leaving() -> None:
    """What the console shows, read from another thread as the live loop reads it."""
    from bls.clock import ManualClock
    from bls.link.status import LinkStatus

    clock = ManualClock()
    with LinkServer(clock=clock) as server:
        url = server.start("127.0.0.1", 0)
        assert server.status == LinkStatus()
        seen: list[LinkStatus] = []

        async def page() -> None:
            async with aiohttp.ClientSession() as client, client.ws_connect(url + "ws") as ws:
                await asyncio.wait_for(ws.receive(), 5)  # hello: the server has the page now
                seen.append(server.status)
                await ws.send_str(json.dumps({"type": "state", "unlocked": True}))
                await asyncio.to_thread(_wait_for, lambda: server.status.ready, "the tap")
                seen.append(server.status)
                clock.advance(7.0)

        asyncio.run(page())
        _wait_for(lambda: server.status.pages == 0, "the page to be gone")
        assert seen == [LinkStatus(pages=1), LinkStatus(pages=1, ready=True)]
        assert server.status == LinkStatus(pages=0, ready=False,
                                           last_disconnect_s=clock.now())
