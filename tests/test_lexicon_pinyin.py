"""Every character's pinyin is learnt at once when the chain is built: each must read exactly as pypinyin reads
that character alone, which is how a character met first in a question was (and is) learnt."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from bot import lexicon
from bot.lexicon import learn_pinyin, pinyin_of


def test_characters_learnt_at_start_read_as_pypinyin_reads_each_alone() -> None:
    learn_pinyin()
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    assert all(ch in lexicon._pinyin for ch in chars)  # known before any question has them
    for ch in chars:
        assert pinyin_of(ch) == (lazy_pinyin(ch, style=Style.NORMAL)[0],), ch
    assert pinyin_of("医宝h6") == ("yi", "bao", "h", "6")  # a typo reads like the word; latin stays itself
