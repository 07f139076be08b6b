"""The commands, side by side: each is a thin front-end over the layers below.

`run` (the office window, or the console's layouts for --share, --client-display and --link)
drives the one live engine in `bls.live`; `tap` runs the same Session with no picture;
`calibrate` and `doctor` show their pictures through the same frame pacer; `export` renders sets
to a file; `profiles` and `log` read and manage the user's files.
"""
