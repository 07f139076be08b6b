"""The client's status in the console's words: what the therapist reads at each step."""

from __future__ import annotations

import pytest

from bls.link.status import (
    CONNECTED,
    DISCONNECTED,
    READY,
    WAITING,
    LinkStatus,
    status_words,
)


@pytest.mark.parametrize(("status", "words"), [
    (LinkStatus(), WAITING),
    (LinkStatus(pages=1), CONNECTED),
    (LinkStatus(pages=1, ready=True), READY),
    (LinkStatus(pages=0, last_disconnect_s=12.0), DISCONNECTED),
    (LinkStatus(pages=1, last_disconnect_s=12.0), CONNECTED),  # back, not tapped yet
    (LinkStatus(pages=1, ready=True, last_disconnect_s=12.0), READY),  # back with sound on
])
def test_each_step_of_the_client_has_its_words(status: LinkStatus, words: str) -> None:
    assert status_words(status) == words


def test_the_words_say_what_the_therapist_needs_to_know() -> None:
    assert status_words(LinkStatus()) == "waiting for the client to open the link"
    assert status_words(LinkStatus(pages=1)) == (
        "client connected: waiting for their tap to turn on sound")
    assert status_words(LinkStatus(pages=1, ready=True)) == "client ready (sound on)"
    assert status_words(LinkStatus(last_disconnect_s=1.0)) == (
        "client disconnected: the set goes on; it resumes when they reconnect")
