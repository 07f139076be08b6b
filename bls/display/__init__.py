"""The picture: the target renderer, the window, the HUD and frame timing (pygame-ce).

Used by the live session, share mode, calibration and the benchmark. Nothing here decides *where*
the target is: callers pass a position read from a `SetTimeline` at the frame's flip time.
"""
