"""`bls doctor`: what this machine offers bls (displays, sound, timing) and what to fix.

`facts` holds the immutable findings, `report` turns them into plain lines and advice (pure),
`display_probe` and `audio_probe` read pygame and sounddevice, `command` runs them in order.
"""

from __future__ import annotations

from bls.commands.doctor.command import doctor_command

__all__ = ["doctor_command"]
