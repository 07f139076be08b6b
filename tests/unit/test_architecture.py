"""The pure core stays pure: no pygame, no sounddevice, no clock (docs/architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bls.core

CORE = Path(bls.core.__file__).parent


def test_the_core_imports_neither_pygame_nor_sounddevice() -> None:
    modules = sorted(f"bls.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygame', 'sounddevice', '_sounddevice'))\nprint(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
    assert {"bls.core.profile", "bls.core.timeline", "bls.core.synth"} <= set(modules)


def test_the_core_never_reads_a_clock() -> None:
    clock_calls = {"perf_counter", "monotonic", "time", "time_ns", "sleep", "now"}
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not {"time", "datetime"} & set(names), f"{path.name} imports a clock"
            if isinstance(node, ast.Attribute) and node.attr in clock_calls:
                assert not (isinstance(node.value, ast.Name)
                            and node.value.id in ("time", "datetime")), path.name


def test_the_core_imports_nothing_of_bls_outside_itself() -> None:
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bls"):
                assert node.module.startswith("bls.core"), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("bls") or alias.name.startswith("bls.core"), \
                        f"{path.name} imports {alias.name}"
