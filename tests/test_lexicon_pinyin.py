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


def test_question_cues_are_sounded_out_from_every_character_that_reads_like_their_start() -> None:
    # ``respell_cues`` looks only at the characters in ``_cue_starters``: exactly those whose own reading (pypinyin's)
    # is the first syllable of a cue, so "夺少钱" is still read as 多少钱 and "价格" is never sounded out.
    firsts = lexicon._cue_firsts()
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    expected = {ch for ch in chars if lazy_pinyin(ch, style=Style.NORMAL)[0] in firsts}
    assert lexicon._cue_starters() == expected
    assert "夺" in expected and "价" not in expected
    assert lexicon.respell_cues("红旗h6夺少钱") == "红旗h6多少钱"
    assert lexicon.respell_cues("合力") == "合力"
