"""bls: bilateral stimulation for EMDR therapy (a moving target with stereo tones in step)."""

import os

# stdout is for bls's own lines: no pygame banner, whichever module imports pygame first.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

__version__ = "0.1.0"
