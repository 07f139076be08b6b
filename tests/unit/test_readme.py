"""The README documents every profile key, so users never meet an undocumented setting."""

from __future__ import annotations

from pathlib import Path

from bls.core.profile import SPECS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_profile_key_is_in_the_readme_with_its_range() -> None:
    text = README.read_text(encoding="utf-8")
    for section, specs in SPECS.items():
        for key, spec in specs.items():
            label = f"`{section}.{key}`" if section else f"`{key}`"
            row = next((line for line in text.splitlines() if line.startswith(f"| {label} |")),
                       None)
            assert row is not None, f"{label} is not documented"
            assert spec.allowed().replace("|", "/") in row
