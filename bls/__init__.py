"""bls: bilateral stimulation for EMDR therapy (a moving target with stereo tones in step)."""

__version__ = "0.1.0"
