"""A small base rules out, by their characters, the texts a question's words cannot match: every text it rules
out must really match none of them, or answers would change."""

from __future__ import annotations

import json

from answers_support import KNOWLEDGE

from bot.evidence import SentenceBank
from bot.lexicon import word_plan

EVAL = KNOWLEDGE.parent / "eval"


def test_texts_ruled_out_by_characters_match_none_of_the_words(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    bank = SentenceBank(seed_index, embeddings)
    assert bank.eager and bank.char_index is not None
    texts = [t for i in range(len(bank.sentences)) for t in (bank.text(i), bank.context(i), bank.title(i))]
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    words = sorted({w for r in rows[:200] for w in bank.reader.words(r["question"])})
    ruled_out = matched = 0
    for word in words:
        plan = word_plan(word)
        mask = bank.char_index.could_match(plan)
        for text in texts:
            score = plan.match(text)
            if not mask >> bank.char_index.bits[text.norm] & 1:
                assert score == 0.0, (word, text.norm)
                ruled_out += 1
            elif score > 0.0:
                matched += 1
    assert ruled_out > 10 * matched > 0  # most pairs are ruled out, and some texts do match
