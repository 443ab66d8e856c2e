"""Raw files generated from the committed seed reports (raw/*.txt), for the pipeline-level tests.

Nothing binary is committed: every odd input is made here, deterministically.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
SEED_FILES = sorted((REPO_DIR / "raw").glob("*.txt"))
SEED_NAMES = [p.name for p in SEED_FILES]
CELLS_PER_SEED = 200

# 000 虞唐镇 and 001 花石镇 (湘潭县, published 2024-01-11), 002 二塘乡 (ambiguous), 003 上屯镇, 004 湘乡市政府办
YUTANG, HUASHI, ERTANG, SHANGTUN, XIANGXIANG = SEED_NAMES
# Other townships of 湘乡市 (430381), the county of 虞唐镇: a renamed 000 is placed there too.
XIANGXIANG_TOWNSHIPS = ("山枣镇", "栗山镇", "中沙镇")

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def seed_text(name: str) -> str:
    return (REPO_DIR / "raw" / name).read_text(encoding="utf-8")


def with_year(text: str, year: int) -> str:
    """The report about another year (its title and sentences say `year` instead of 2023)."""
    return text.replace("2023", str(year))


def renamed_unit(text: str, old: str, new: str) -> str:
    return text.replace(old, new)


def garbled_numbers(text: str) -> str:
    """Every table number written in full-width digits with zero-width characters around and inside it
    (as web pages leave them): ３\u200b９ for 39. The parser must read the same numbers."""

    def garble(m: re.Match) -> str:
        digits = m.group(2).translate(_FULL_WIDTH)
        return m.group(1) + "\u200b" + "\u200b".join(digits) + "\ufeff\u2060" + m.group(3)

    return re.sub(r"^(\s*)(\d+)(\s*)$", garble, text, flags=re.M)


def mixed_encoding(text: str) -> bytes:
    """The first half of the lines in UTF-8, the rest in GB18030 (GBK): a report pasted together."""
    lines = text.splitlines(keepends=True)
    half = len(lines) // 2
    return "".join(lines[:half]).encode("utf-8") + "".join(lines[half:]).encode("gb18030")


def truncated(text: str) -> str:
    """Cut two thirds in, mid-table and mid-line, as a download that stopped."""
    cut = text[: len(text) * 2 // 3]
    return cut.rstrip("\n") + "1"  # ends inside a number, without a final line break


def corrected(text: str, published: str) -> str:
    """花石镇's report (seed 001) republished on `published` (e.g. "2024年2月1日"): a newer version."""
    assert "2024年1月11日" in text
    return text.replace("2024年1月11日", published)


NEWS = "今天上午，市民广场举行了春季花卉展览，吸引了众多市民前来参观。\n" * 30


def report_variants(count: int) -> dict[str, str]:
    """`count` distinct, parseable reports made from the seeds: other years (2010-2022) and, for 虞唐镇,
    other townships of the same county; names like "2021/variant-000_….txt". Deterministic."""
    out: dict[str, str] = {}
    towns = (None, *XIANGXIANG_TOWNSHIPS)
    for year in range(2022, 2009, -1):
        for town in towns:
            for seed in SEED_NAMES:
                if town is not None and seed != YUTANG:
                    continue
                text = with_year(seed_text(seed), year)
                if town is not None:
                    text = renamed_unit(text, "虞唐镇", town)
                out[f"{year}/{town or 'seed'}-{seed}"] = text
                if len(out) == count:
                    return out
    raise ValueError(f"only {len(out)} variants can be made")
