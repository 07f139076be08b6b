"""`python -m bls.share [bls run options]`: share mode without going through `bls run --share`."""

from __future__ import annotations

import sys

from bls.cli import EXIT_USAGE, build_parser, load_profile
from bls.core.profile import ProfileError
from bls.share import run_share


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(["run", "--share", *argv])
        return run_share(args, load_profile(args))  # type: ignore[arg-type]
    except SystemExit as stop:
        return int(stop.code or 0) if isinstance(stop.code, int | None) else EXIT_USAGE
    except ProfileError as error:
        sys.stderr.write(f"bls: {error}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
