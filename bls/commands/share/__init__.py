"""Telehealth share mode: a client window to share (target only) and a separate control window.

`run_share(args, profile)` is what `bls run --share` calls.
"""

from __future__ import annotations

import argparse

from bls.core.profile import Profile


def run_share(args: argparse.Namespace, profile: Profile) -> int:
    """Run share mode until Esc or a window is closed; the exit code (0 on a normal end)."""
    from bls.commands.share.loop import run_share as run

    return run(args, profile)
