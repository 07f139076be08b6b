"""The pure core: profiles, the timeline and the synth. No clock, no pygame, no sounddevice."""
