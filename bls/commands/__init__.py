"""The commands, side by side: each is a thin front-end over the layers below.

`run` (the office window, and share mode's two windows as another layout) drives the one live
engine in `bls.live`; `tap` runs the same Session with no picture; `calibrate` and `doctor` show
their pictures through the same frame pacer; `export` renders sets to a file.
"""
