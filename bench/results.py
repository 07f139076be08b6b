"""One benchmark figure, and how the run writes them: JSON for tools, Markdown for people.

`ratio` is always value / baseline, so for a cost (seconds, bytes) below 1 means bls is
cheaper than its baseline, and for a speed above 1 means bls is faster.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Result:
    name: str  # says what the value is and what the baseline is ("... vs ...")
    value: float
    unit: str
    baseline: float
    ratio: float

    @classmethod
    def of(cls, name: str, value: float, unit: str, baseline: float) -> Result:
        ratio = value / baseline if baseline else math.inf if value else 1.0
        return cls(name, value, unit, baseline, ratio)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def _number(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def markdown_table(results: Sequence[Result]) -> str:
    rows = ["| figure | value | baseline | unit | ratio |", "|---|---:|---:|---|---:|"]
    for r in results:
        rows.append(f"| {r.name} | {_number(r.value)} | {_number(r.baseline)} | {r.unit} | "
                    f"{r.ratio:.3g} |")
    return "\n".join(rows)


def write(results: Sequence[Result], folder: Path, header: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "latest.json", folder / "latest.md"
    json_path.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n",
                         encoding="utf-8")
    md_path.write_text(f"{header}\n\n{markdown_table(results)}\n", encoding="utf-8")
    return json_path, md_path
