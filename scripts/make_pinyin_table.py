"""Write ``bot/resources/pinyin.txt``: the toneless pinyin of every character U+4E00–U+9FFF, as pypinyin reads each.

The question reader sounds out words to repair typos ("医宝" -> 医保) and learns every common character's reading
when the chain is built. Asking pypinyin for all 20,992 took ~0.45 s of every server start (importing its
dictionaries included); the table reads in a few milliseconds. ``tests/test_lexicon_pinyin.py`` checks every entry
against the pypinyin installed, so a pypinyin upgrade that reads a character differently fails the suite until this
script is run again:

    .venv/bin/python scripts/make_pinyin_table.py
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from pypinyin import Style, lazy_pinyin

FIRST, LAST = 0x4E00, 0x9FFF
OUT = Path(__file__).resolve().parents[1] / "bot" / "resources" / "pinyin.txt"


def main() -> int:
    chars = [chr(code) for code in range(FIRST, LAST + 1)]
    sounds = lazy_pinyin(chars, style=Style.NORMAL)
    assert len(sounds) == len(chars) and all(" " not in s and s for s in sounds)
    header = f"# pypinyin {version('pypinyin')}: toneless readings of U+{FIRST:04X}..U+{LAST:04X}, one per character\n"
    OUT.write_text(header + " ".join(sounds) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(sounds)} readings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
