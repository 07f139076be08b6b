"""A real browser for the client link's tests: Debian's chromium driven by its chromedriver.

Rules: nothing is downloaded at run time (selenium-manager never runs: the driver's path is given
explicitly); the browser gets the test's X server and PulseAudio through its environment, and a
private profile folder that is removed afterwards. The page's sound is unlocked by clicking its
button, as a client would, so no autoplay flag is needed.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from tests.e2e.harness import merged_env, require_tools

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 20.0


@contextmanager
def chromium(env: Mapping[str, str], size_px: tuple[int, int] = (1920, 1080)) -> Iterator[Any]:
    """A full-screen chromium on env's display, playing into env's PulseAudio."""
    require_tools("chromium", "chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile_dir = tempfile.mkdtemp(prefix="bls-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or CHROMIUM
    for argument in (
        "--no-sandbox",  # CI containers run as root, where chromium's sandbox cannot start
        "--no-first-run", "--no-default-browser-check", "--disable-gpu",
        f"--user-data-dir={profile_dir}", "--kiosk", "--window-position=0,0",
        f"--window-size={size_px[0]},{size_px[1]}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("excludeSwitches", ["enable-automation"])  # no info bar
    service = Service(executable_path=shutil.which("chromedriver") or CHROMEDRIVER,
                      env=merged_env(env))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile_dir, ignore_errors=True)


def open_and_tap(driver: Any, url: str) -> None:
    """Open the client link and tap its start button once it is enabled (page connected)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    driver.get(url)
    button = WebDriverWait(driver, WAIT_S).until(
        expected_conditions.element_to_be_clickable((By.ID, "start")))
    button.click()


def wait_for(condition: Any, what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class CuttableRelay:
    """A TCP relay on 127.0.0.1 in front of a server, whose connections the test can cut, as a
    dropped Wi-Fi would. While `refusing`, new connections are closed at once."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.refusing = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        """Drop every connection now (both ends see it closed)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()
