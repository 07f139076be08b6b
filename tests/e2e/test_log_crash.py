"""A session killed with SIGKILL while its log is being written loses at most the set in progress.

A real child process logs sets as fast as it can (each one flushed to the disk) and says on
stdout which set it has logged; it is killed at once, mid-write or mid-set; the file it leaves
must read back with every set it reported, and at most one warning.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bls.log import read_session
from bls.log.store import list_logs

CHILD = """
import sys
from bls.core.timeline import SetTimeline
from bls.log import SessionLog
from bls.profiles import Library

profile = Library.discover().load("standard")
log = SessionLog.open("tap")
number = 0
while True:
    number += 1
    timeline = SetTimeline.begin(number * 60.0, profile.motion, profile.length)
    if number % 3 == 0:
        timeline = timeline.stopped(number * 60.0 + 4.0)
    log.set_ended(number, timeline, profile.name, timeline.rest_s)
    log.rate(number, sud=number % 11, voc=1 + number % 7, note="n" * (number % 200))
    assert log.take_problem() is None
    print(number, flush=True)
"""


@pytest.mark.parametrize("sets_before_kill", [1, 7, 40])
def test_a_log_killed_mid_write_keeps_every_set_it_had_reported(
        tmp_path: Path, sets_before_kill: int) -> None:
    env = {**os.environ, "BLS_DATA_HOME": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert child.stdout is not None
        reported = 0
        while reported < sets_before_kill:
            line = child.stdout.readline()
            assert line, f"the child ended early: {child.stderr.read() if child.stderr else ''}"
            reported = int(line)
        child.send_signal(signal.SIGKILL)  # it is writing the next set (or its rating) now
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    (path,) = list_logs(tmp_path / "sessions")
    record = read_session(path)
    numbers = [s.set_number for s in record.sets]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= reported
    for s in record.sets[:reported]:
        assert s.rating.sud == s.set_number % 11
        assert s.ended == ("stopped" if s.set_number % 3 == 0 else "completed")
    assert len(record.warnings) <= 1
