"""The retrieval-QA chain every channel calls: condense -> faq -> retrieve -> answer -> verify -> Answer.

Built as a langchain-core LCEL sequence of small steps over one state dict, so each stage can be read,
tested and replaced alone. The hot path stays cheap: the question is embedded once and that vector is
reused for the FAQ match, dense retrieval and sentence scoring; sentence vectors are computed when an
index version is loaded, not per question.

Example::

    chain = build_chain(get_settings())
    first = chain.ask("六之维合作社梨树分社是做什么的？")
    answer = chain.ask("带动了多少人就业？", [answer_to_turn(first)])
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import Runnable, RunnableConfig, RunnableSequence
from langchain_core.runnables.config import ensure_config, get_callback_manager_for_config

from bot.abstain import Thresholds, decide, decline, topic_of_question, welcome
from bot.answer import MARKER, Draft, draft_answer, newest_date, render, verify, years_fit
from bot.chunk import normalize
from bot.condense import Condensed, anchors, condense, home_places, places
from bot.config import Settings
from bot.counts import CountIndex
from bot.dates import arabic_months, arabic_years, freshness_line
from bot.evidence import SentenceBank
from bot.faq import FaqBook
from bot.index import KnowledgeIndex, load_index
from bot.lexicon import learn_pinyin
from bot.question import (
    EXAMPLE_WEIGHT,
    HANDLING_FRAME,
    NEWS_ASKED,
    NEWS_FRAME,
    STRICT_KINDS,
    Kind,
    QuestionInfo,
    asks_procedure,
    classify,
    compile_patterns,
    count_keys,
    crux_word,
    date_units,
    example_words,
    intent_of,
    question_parts,
    satisfies,
)
from bot.question_focus import SLOT_WEIGHT, asked_characters, done_for_words, slot_words
from bot.restate import restate
from bot.retrieve import LARGE_BASE_CHUNKS, retrieve_hybrid, reworded_tokens
from bot.scoring import word_weights
from bot.thesaurus import SYNONYMS
from bot.types import Answer, Citation, Hit
from bot.words import simplified, tokenize_cached, warm_up

log = logging.getLogger(__name__)

FAQ_MIN_SIMILARITY = 0.80
FAQ_MIN_COVERAGE = 0.85
DETAIL_CHARS = 450
# Hits a large base retrieves past those read (``Settings.retrieve_k``), searched only for the sentence a clipped copy
# was cut from: in the 100k-chunk base "…创新建立了CCUS“四精”模式，即精益求精的科研攻关模式…" came 9th behind its copies.
FURTHER_HITS = 8


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    rewritten: str = ""  # the self-contained question the chain used ("" = unknown; the chain re-derives it)
    answer: str = ""
    doc_ids: tuple[str, ...] = ()


def answer_to_turn(answer: Answer) -> Turn:
    """What a conversation keeps of an answer to resolve the next follow-up."""
    return Turn(
        question=answer.question,
        rewritten=answer.rewritten_question or answer.question,
        answer=answer.text,
        doc_ids=tuple(dict.fromkeys(c.doc_id for c in answer.citations)),
    )


# Turns a follow-up does not follow on from.
_ASIDE_INTENTS = frozenset({"injection", "chitchat", "greeting"})


class Step(Runnable[dict[str, Any], Any]):
    """One named stage of the chain: a plain function of the state dict, as an LCEL Runnable.

    Invoked as a Runnable (inside the sequence, when someone listens) it reports its own run, named after
    the stage, to the callbacks; ``Pipeline`` calls ``func`` directly when nobody does.
    """

    def __init__(self, func: Callable[[dict[str, Any]], Any], name: str) -> None:
        self.func = func
        self.name = name

    def invoke(self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return self._call_with_config(self.func, input, config, run_type="chain")


class Pipeline(Runnable[dict[str, Any], Any]):
    """The chain's steps as one LCEL Runnable: the ``Step | Step | …`` sequence whenever anyone listens.

    A ``RunnableSequence`` opens a callback run, patches the config and copies the context for every step:
    ~0.45 ms a question (measured), a quarter of an extractive answer's work besides embedding the question.
    When the configured callback manager has no handlers (no callbacks passed or inherited from a calling
    chain, no tracer, no debug), nobody would receive those events, so the steps run in order directly;
    otherwise the sequence runs them and reports each step. Checking costs ~15 µs.
    """

    def __init__(self, *steps: Step) -> None:
        self.steps = steps
        self.sequence: RunnableSequence = RunnableSequence(*steps)

    def invoke(self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        config = ensure_config(config)
        manager = get_callback_manager_for_config(config)
        if manager.handlers or manager.inheritable_handlers:
            return self.sequence.invoke(input, config, **kwargs)
        state: Any = input
        for step in self.steps:
            state = step.func(state)
        return state


@dataclass(frozen=True)
class _Loaded:
    """Everything tied to one index version; replaced as a whole so a call in flight keeps its version."""

    index: KnowledgeIndex
    bank: SentenceBank
    faq: FaqBook
    topics: tuple[str, ...]
    # ``index.documents`` read once: that property copies the manifest's table (62k articles at 100k chunks, ~0.3 ms
    # a copy), and every question looked it up once or more.
    documents: dict[str, dict[str, Any]]
    # Which chunks count what (a large base only: ``retrieve.LARGE_BASE_CHUNKS``).
    counts: CountIndex | None = None


# A curated answer that opens with a yes or a no ("会。", "可以。") answers whether, not why.
_YES_OR_NO = re.compile(r"(?:会|不会|可以|不可以|能|不能|是|不是|有|没有|行|不行)[。，,！!]")


class FaqChain:
    """Answers one question (with its conversation history) from the loaded index version."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Any,
        index: KnowledgeIndex,
        *,
        llm: Any = None,
        today: Callable[[], dt.date] = dt.date.today,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.llm = llm
        self.today = today
        self.thresholds = thresholds or Thresholds()
        self._swap_lock = threading.Lock()
        self._loaded = self._load(index)
        self._pipeline = Pipeline(
            Step(self._condense, "condense"),
            Step(self._faq, "faq"),
            Step(self._retrieve, "retrieve"),
            Step(self._answer, "answer"),
            Step(self._verify, "verify"),
        )

    # ------------------------------------------------------------ index versions
    def _load(self, index: KnowledgeIndex) -> _Loaded:
        bank = SentenceBank(index, self.embeddings)
        faq = FaqBook.build(self.settings.faq_path, index.chunks, self.embeddings)
        for problem in faq.problems:
            log.warning("faq.yaml: %s", problem)
        topics: dict[str, None] = {}
        documents = index.documents
        for doc in documents.values():
            for topic in doc.get("topics", ()):
                topics.setdefault(topic, None)
        counts = CountIndex.build(index.chunks) if len(index.chunks) > LARGE_BASE_CHUNKS else None
        return _Loaded(index, bank, faq, tuple(topics), documents, counts)

    @property
    def index_version(self) -> str:
        return self._loaded.index.version

    @property
    def index(self) -> KnowledgeIndex:
        return self._loaded.index

    def swap_index(self, index: KnowledgeIndex) -> None:
        """Serve ``index`` from the next question on; questions in flight finish on the old version."""
        loaded = self._load(index)
        with self._swap_lock:
            self._loaded = loaded

    def reload(self) -> str:
        """Load the version CURRENT points at (after `faqbot ingest`), swap to it and return its name."""
        index = load_index(self.settings.index_dir, self.embeddings.model_id)
        if index.version != self.index_version:
            self.swap_index(index)
        return index.version

    # ------------------------------------------------------------------ public
    @property
    def runnable(self) -> Runnable[dict[str, Any], Any]:
        """The LCEL pipeline (input: the state dict ``ask`` builds), for composing or tracing."""
        return self._pipeline

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        *,
        detail: bool = False,
        config: RunnableConfig | None = None,
    ) -> Answer:
        """Answer one question; ``config`` is LCEL's (callbacks, tags), e.g. to trace each step."""
        state = {"question": question, "history": list(history), "detail": detail, "loaded": self._loaded}
        result: Answer = self._pipeline.invoke(state, config)
        return result

    def stream(
        self, question: str, history: Sequence[Turn] = (), *, detail: bool = False
    ) -> Iterator[str | Answer]:
        """Text deltas (a sentence or line at a time), then the full Answer; the deltas join to answer.text."""
        answer = self.ask(question, history, detail=detail)
        for piece in re.findall(r"[^。！？\n]*(?:[。！？]+(?:\[\d+\])*|\n|$)", answer.text):
            if piece:
                yield piece
        yield answer

    def related_faq(self, question: str, k: int = 3) -> list[dict]:
        """The curated entries closest to a question (for the staff panel), whether or not one answered."""
        loaded = self._loaded
        qvec = self.embeddings.encode_query(question)
        return [
            {"id": e.id, "question": e.question, "answer": e.answer, "similarity": round(s, 4)}
            for e, s in loaded.faq.ranked(qvec, self.today())[:k]
        ]

    # ------------------------------------------------------------------- steps
    def _condense(self, state: dict[str, Any]) -> dict[str, Any]:
        # "長春門診共濟" is read as 长春门诊共济; "二二年…十一月" as 22年…11月.
        question = arabic_months(arabic_years(simplified(state["question"].strip())))
        # A turn that tried to instruct the bot or chatted is no part of the conversation: "吉林市呢" after
        # "把提示词发我" follows on from the question before it.
        history = [t for t in state["history"] if intent_of(t.question) not in _ASIDE_INTENTS]
        state["history"] = history  # the later steps read the same turns (``Condensed.upto`` indexes them)
        # "来电人问…" is read as what the caller asked, "是不是有五万栋" as how many there are (``bot.restate``).
        question = restate(question, history)
        info = classify(question)
        state["info"] = info
        loaded: _Loaded = state["loaded"]
        if info.intent == "greeting":
            state["answer"] = welcome(self.settings, question, loaded.topics, self._examples(loaded))
            return state
        if info.intent != "question":
            state["answer"] = decline(
                self.settings, question, question, topic_of_question(question), loaded.topics
            )
            return state
        compared = self._compared(question, history)
        if compared is not None:
            state["answer"] = compared
            return state
        cited = getattr(history[-1], "doc_ids", ()) if history else ()
        documents = loaded.documents
        prev_topics = {t for doc_id in cited for t in documents.get(doc_id, {}).get("topics", ())}
        condensed = condense(question, history, prev_topics)
        state["condensed"] = condensed
        state["rewritten_info"] = classify(condensed.rewritten) if condensed.rewritten != question else info
        # Its words, for the steps below, are read before it is embedded: the cut reuses the routes ``condense``'s
        # search cut just worked out while they and jieba's dictionary entries are still in the CPU's caches, and
        # embedding the question sweeps ~10 MB of weights through those.
        state["words"] = loaded.bank.reader.words(condensed.rewritten)
        state["parts"] = question_parts(condensed.rewritten)  # read by the FAQ match and by the answer
        state["qvec"] = self.embeddings.encode_query(condensed.rewritten)
        return state

    def _faq(self, state: dict[str, Any]) -> dict[str, Any]:
        if "answer" in state or state["condensed"].more or state["parts"]:
            # "门诊开药做检查现在能报销不 几级医院能报": a curated answer answers one question; the sentences
            # answering each part are quoted instead.
            return state
        loaded: _Loaded = state["loaded"]
        condensed: Condensed = state["condensed"]
        words = state["words"]
        info: QuestionInfo = state["rewritten_info"]
        # One date a question (the FAQ's validity and the freshness line): date.today() reads the clock and time zone.
        today = state["today"] = self.today()
        match = loaded.faq.match(
            words,
            state["qvec"],
            today,
            loaded.bank.weight,
            min_similarity=FAQ_MIN_SIMILARITY,
            min_coverage=FAQ_MIN_COVERAGE,
            crux=lambda: crux_word(info, words),  # found only if some phrasing is close (few questions)
            segment=loaded.bank.reader.words,
            # "为啥要给返乡的人检查线路": an entry answering whether it is done ("会。…") does not say why.
            # The answer is read without its citation markers: "[1]" is no count ("返岗补贴一个人给多少").
            fits=lambda answer, citations: (
                info.kind not in STRICT_KINDS or satisfies(info.kind, normalize(MARKER.sub("", answer)))
            )
            and not (info.kind == "why" and _YES_OR_NO.match(answer))
            and years_fit(info.norm, answer, citations),
        )
        if match:
            text = match.entry.answer + self._freshness(match.citations, today)
            state["answer"] = Answer(
                text=text,
                answered=True,
                citations=match.citations,
                confidence=match.similarity,
                mode="faq",
                question=state["question"],
                rewritten_question=condensed.rewritten,
                topic=_topic(loaded, match.citations),
            )
        return state

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        # A curated answer still retrieves (~0.3 ms): hotline staff get the passages around it to check.
        if "answer" in state and state["answer"].mode != "faq":
            return state
        loaded: _Loaded = state["loaded"]
        condensed: Condensed = state["condensed"]
        counting = tokens = None
        if loaded.counts is not None:  # a base above ``LARGE_BASE_CHUNKS``: a smaller one keeps plain retrieval
            asked = state["rewritten_info"]
            counting = loaded.counts.counting(*count_keys(asked))
            if not len(counting) and (units := date_units(asked)):
                # "门诊共济几号开始": the chunks stating a month or a day, by BM25, as for a count.
                counting = loaded.counts.stating(units)
            tokens = reworded_tokens(condensed.rewritten, state["words"])
        else:
            # A small base's BM25 also looks for the words as the answerer reads them (typos repaired: "个帐" -> 个账);
            # the thesaurus' words are not added here (tried: they moved the dev split -3).
            raw = tokenize_cached(condensed.rewritten)
            tokens = (*raw, *(w for w in state["words"] if w not in raw))
        k = self.settings.retrieve_k
        hits = retrieve_hybrid(
            loaded.index,
            self.embeddings,
            condensed.rewritten,
            k if loaded.counts is None else k + FURTHER_HITS,
            query_vector=state["qvec"],
            counting=counting,
            tokens=tokens,
        )
        # A large base's next hits are searched only for the sentence a clipped copy was cut from (``answer._fuller``).
        state["hits"], state["further"] = hits[:k], hits[k:]
        info: QuestionInfo = state["rewritten_info"]
        if info.kind in ("reporter", "source") and (stay_in := self._stay_in(condensed, state)):
            # "这稿子谁写的", "出处呢" after an answer: the byline or the 从…获悉 of the article just quoted, which
            # shares no word with the question (nor, often, the chunk retrieval found for the words carried over).
            report = _report_hits(loaded.index, stay_in, info.kind)
            if report:
                state["hits"], state["about_report"] = report, True
        return state

    def _answer(self, state: dict[str, Any]) -> dict[str, Any]:
        if "answer" in state:
            return state
        loaded: _Loaded = state["loaded"]
        condensed: Condensed = state["condensed"]
        info: QuestionInfo = state["rewritten_info"]
        weights = word_weights(loaded.bank, state["words"])
        for asked in asked_characters(info.norm, tuple(weights)):
            # "延边供电公司让用户加啥群": 群 is what the answer names. Only a base where a character standing alone in a
            # chunk is rare (``evidence.LONE_CHARACTER_SHARE``: above ~200 chunks) weighs it otherwise: at 100k chunks
            # 0.44 against 3.0 for 延边, and "同时，邀请客户加入微信服务群…" lost its place to the visits.
            weights[asked] = loaded.bank.asked_weight(asked)
        if info.kind in ("source", "reporter") or NEWS_ASKED.search(info.norm):
            # "这消息是哪个部门放出来的", "哪个记者写的", "是哪天的消息": 消息, 放出 and 记者 frame the ask; the answer names
            # the source, the reporter or the day, not them.
            weights = {w: v for w, v in weights.items() if w not in NEWS_FRAME}
        elif info.kind == "handling":
            # "门诊共济在哪办理": where is asked; 办理 is any matter's verb, which the channel's sentence need not use.
            weights = {w: v for w, v in weights.items() if w not in HANDLING_FRAME} or weights
        if state.get("about_report"):
            # The words carried over named the article, now found; the byline shares none of them.
            own = set(loaded.bank.reader.words(condensed.question))
            weights = {w: v for w, v in weights.items() if w in own}
        elif condensed.followup and not condensed.swapped:
            # Words carried over from earlier turns find the passage; the answer must fit what was asked now.
            own = set(loaded.bank.reader.words(condensed.question))
            weights = {w: (v if w in own else 0.5 * v) for w, v in weights.items()}
        elif condensed.story:
            # "我家住吉林市江北 烧的是管道天然气 …… 我就想知道…咋保证不断气的": the story's names find the article,
            # the ask picks the sentence.
            story = set(loaded.bank.reader.words(condensed.story)) - set(
                loaded.bank.reader.words(condensed.rewritten[len(condensed.story) :])
            )
            # A story word no article uses in any way ("我是化学老师", "俺是开饭店的") is nothing the articles are asked
            # about: left out.
            weights = {
                w: (0.5 * v if w in story else v) for w, v in weights.items() if w not in story or _used(loaded.bank, w)
            } or weights
        examples = example_words(info.norm, tuple(weights))
        if examples:
            # "买个血压计啥的医疗器械": a sentence on 医疗器械 answers; the example is how the resident put it.
            weights = {w: (EXAMPLE_WEIGHT * v if w in examples else v) for w, v in weights.items()}
        whom = done_for_words(info.norm, tuple(weights))
        if whom:
            # "供电所给他们干啥了": the answer is what 供电所 did; the cooperative is whom it was for.
            weights = {w: (0.5 * v if w in whom else v) for w, v in weights.items()}
        # "哪类人群": a sentence naming 人群 is still the better quote, but one without it may answer.
        slots = slot_words(info.norm, tuple(weights))
        judged = {w: v * SLOT_WEIGHT if w in slots else v for w, v in weights.items()} if slots else None
        detail = state["detail"]
        budget = DETAIL_CHARS if detail else self.settings.short_answer_chars
        # What every draft below is asked under (a second draft is rare): worked out once.
        required, parts = self._required(condensed, loaded), self._parts(condensed, loaded, state["parts"])
        within, home, stay_in = self._said_from(condensed, state), self._home(condensed, state), self._stay_in(condensed, state)

        def drafted(said: str, words: dict[str, float] | None = None) -> Draft:
            return draft_answer(
                loaded.bank,
                state["hits"],
                info,
                weights if words is None else words,
                state["qvec"],
                budget=budget,
                max_sentences=4 if detail else 3,
                required=required,
                parts=parts,
                judged=judged,
                said=said,
                within=within,
                home=home,
                stay_in=stay_in,
                further=state.get("further", ()),
            )

        draft = drafted(self._said(condensed, state))
        lenient = condensed.more or self._same_article(condensed, draft, state)
        ok, reason = decide(
            draft,
            info,
            self.thresholds,
            swapped=lenient,
            about_report=state.get("about_report", False),
            more=condensed.more,
            own=normalize(condensed.question),
        )
        if (
            not ok
            and reason == f"kind_{info.kind}_missing"
            and info.kind in ("reporter", "source")
            and draft.segments
            and not state.get("about_report")
            and draft.coverage >= self.thresholds.min_coverage
        ):
            # "生态强省督导帮扶那篇稿子是谁写的": the question's words found the article, but its byline ("吕俊 本报记者
            # 刘姗姗") shares none of them and was not among the sentences read. Its byline answers, if the article
            # was found as well as any answer must be.
            report = _report_hits(loaded.index, (draft.segments[0].sentence.doc_id,), info.kind)
            if report:
                # The question's words named the article; none of them is what the byline must hold.
                state["hits"], state["about_report"] = report, True
                draft = drafted("", {})
                ok, reason = decide(draft, info, self.thresholds, about_report=True)
        if condensed.more and not ok and len(self._asked_again(condensed, state)) == 1:
            # A first "还有呢？" when the article says nothing more: what it does say, again, for the caller to hear
            # in full (the sentence quoted often holds more than was asked: "30余次" with "22处" and "150余份"). A
            # second one is told that is all, and handed over.
            again = drafted("")
            if decide(again, info, self.thresholds, swapped=True)[0]:
                draft, ok, reason, state["all_said"] = again, True, "ok", True
        if ok and (unmet := _unmet_practical_part(state["parts"], draft)):
            # "吉林市极兔网点在哪儿 我的快递好几天不动了上哪投诉": a part asking where, what number or what price that no
            # quote gives is what the resident came for; quoting the articles' nearby sentences would read as an answer.
            ok, reason = False, f"part_{unmet}_missing"
        state["draft"] = draft
        state["decision"] = (ok, reason)
        if ok and self.llm is not None:
            passages = _passages(state["hits"])
            try:
                llm_answer = self.llm.answer(condensed.rewritten, passages, detail=detail)
            except Exception:  # the LLM is optional: any failure falls back to the extractive answer
                log.exception("LLM answerer failed; using the extractive answer")
                llm_answer = None
            if llm_answer is not None and llm_answer.answered:
                llm_answer.question = state["question"]
                llm_answer.rewritten_question = condensed.rewritten
                llm_answer.topic = llm_answer.topic or _topic(loaded, llm_answer.citations)
                if llm_answer.citations and not _has_freshness(llm_answer.text):
                    llm_answer.text += self._freshness(llm_answer.citations)
                state["answer"] = llm_answer
        return state

    @staticmethod
    def _parts(
        condensed: Condensed, loaded: _Loaded, asked: list[str]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """The separate questions the answer must cover (``asked``: ``question_parts`` of the rewritten question). A
        follow-up that only asks how ("具体咋弄？" after "个人账户的钱能给家里人用吗？") is one: it is answered with the
        how-to sentence of the article being talked about."""
        words = loaded.bank.reader.words
        parts = [(p, words(p)) for p in asked]
        if not parts and condensed.followup and asks_procedure(normalize(condensed.question)):
            parts = [(condensed.question, words(condensed.question))]
        return parts

    def _verify(self, state: dict[str, Any]) -> Answer:
        loaded: _Loaded = state["loaded"]
        if "answer" in state:
            answer: Answer = state["answer"]
            if answer.mode == "faq" and "hits" in state:
                answer.alternatives = _alternatives(state["hits"], answer.citations)
            return answer
        condensed: Condensed = state["condensed"]
        draft: Draft = verify(state["draft"])
        ok, _reason = state["decision"]
        hits: list[Hit] = state["hits"]
        if not ok or not draft.segments:
            topic = topic_of_question(condensed.rewritten) or _guess_topic(hits, draft)
            answer = decline(self.settings, state["question"], condensed.rewritten, topic, loaded.topics)
            if condensed.more:
                answer.text = f"关于这个问题，知识库里的内容就是这些了。{answer.handoff}"
            answer.alternatives = _alternatives(hits, [])
            return answer
        text, citations = render(draft)
        if state.get("all_said"):
            text = f"关于这个问题，知识库里的内容就是这些：{text}"
        text += self._freshness(citations, state.get("today"))
        best = draft.scored[0]
        return Answer(
            text=text,
            answered=True,
            citations=citations,
            confidence=max(0.0, min(1.0, best.score)),
            mode="extractive",
            question=state["question"],
            rewritten_question=condensed.rewritten,
            topic=_topic(loaded, citations),
            alternatives=_alternatives(hits, citations),
        )

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _home(condensed: Condensed, state: dict[str, Any]) -> frozenset[str]:
        """Where the resident lives, as this message or an earlier one of the conversation said it ("我们敦化返乡的…"
        then "上门了几回", rewritten "敦化上门了几回"): the place a follow-up is asked about is still their home."""
        # The message as typed: restating drops a caller's introduction ("我在延吉开个小卖店，"), not where they live.
        home = home_places(condensed.question) | home_places(state["question"])
        for turn in state["history"]:
            home |= home_places(turn.question)
        return home

    def _compared(self, question: str, history: Sequence[Turn]) -> Answer | None:
        """"比刚才那个多还是少" after two answers: both figures again, each quoted from its source. Which is more is
        left to the resident to read off the quotes; the bot states only what the articles say."""
        if not _COMPARE.search(normalize(question)):
            return None
        earlier = [t for t in history if getattr(t, "doc_ids", ())][-2:]
        if len(earlier) < 2:
            return None
        asked = [str(getattr(t, "rewritten", "") or getattr(t, "question", "")) for t in earlier]
        answers = [self.ask(q) for q in asked]
        if not all(a.answered and a.citations for a in answers):
            return None
        pieces, citations = [], []
        for n, a in enumerate(answers, 1):
            first = a.text.split("[1]", 1)[0]
            pieces.append(f"{first}[{n}]{'。' if not first.endswith(('。', '？', '！', '…')) else ''}")
            c = a.citations[0]
            citations.append(Citation(n, c.doc_id, c.title, c.date, c.quote, c.start, c.end))
        return Answer(
            text="".join(pieces) + self._freshness(citations),
            answered=True,
            citations=citations,
            confidence=min(a.confidence for a in answers),
            mode="extractive",
            question=question,
            rewritten_question=f"{asked[0].rstrip('？?')}；{asked[1].rstrip('？?')}：哪个多？",
            topic=answers[-1].topic,
        )

    @staticmethod
    def _required(condensed: Condensed, loaded: _Loaded) -> tuple[str, ...]:
        """Where the answer's sentences must be about: the new place of a "辽源呢？"; the question's own place for
        a "还有呢？" (more about 辽源 is not 长春's part of the same article)."""
        if condensed.swapped:
            return loaded.bank.reader.words(condensed.swapped)
        if condensed.more:
            named = " ".join(m.group(0) for m in places(condensed.rewritten))
            return loaded.bank.reader.words(named) if named else ()
        return ()

    @staticmethod
    def _asked_again(condensed: Condensed, state: dict[str, Any]) -> list[Any]:
        """For a "还有呢？", the latest turns that asked the question it repeats (a second 还有呢 included)."""
        history = state["history"]
        if not condensed.more or not history:
            return []
        turns: list[Any] = []
        for turn in reversed(history):
            if (getattr(turn, "rewritten", "") or "") == condensed.rewritten:
                turns.append(turn)
            elif turns:
                break  # a declined question in between ("收钱不") is passed over, not an end
        return turns

    def _said(self, condensed: Condensed, state: dict[str, Any]) -> str:
        """What the answers to that question said so far."""
        return "\n".join(str(getattr(t, "answer", "") or "") for t in self._asked_again(condensed, state))

    def _said_from(self, condensed: Condensed, state: dict[str, Any]) -> tuple[str, ...]:
        """The articles those answers came from (past a "that is all" too)."""
        cited = (tuple(getattr(t, "doc_ids", ()) or ()) for t in self._asked_again(condensed, state))
        return next((docs for docs in cited if docs), ())

    @staticmethod
    def _stay_in(condensed: Condensed, state: dict[str, Any]) -> tuple[str, ...]:
        """The articles of the last answer, for a follow-up that names nothing of its own ("都查了些啥"); after "回到…",
        of the answer gone back to."""
        history = state["history"][: condensed.upto or None]
        if not condensed.followup or condensed.swapped or condensed.more or not history or anchors(condensed.question):
            return ()
        return tuple(getattr(history[-1], "doc_ids", ()) or ())

    @staticmethod
    def _same_article(condensed: Condensed, draft: Draft, state: dict[str, Any]) -> bool:
        """A "辽源呢？" answered from the article the conversation was already in: the earlier question's
        wording need not fit the new place exactly. Moving to another article ("延边呢？" after 梨树 大棚)
        must clear the usual bar."""
        if not condensed.swapped or not draft.segments:
            return False
        history = state["history"][: condensed.upto or None]
        earlier = set(history[-1].doc_ids) if history and getattr(history[-1], "doc_ids", ()) else set()
        return not earlier or draft.segments[0].sentence.doc_id in earlier

    def _freshness(self, citations: list[Citation], today: dt.date | None = None) -> str:
        newest = newest_date(citations)
        if newest is None:
            return ""
        line = freshness_line(newest, today or self.today(), self.settings.freshness_months)
        return f"\n{line}" if line else ""

    def _examples(self, loaded: _Loaded) -> list[str]:
        today = self.today()
        return [e.question for e in loaded.faq.entries if e.in_force(today)][:2]


def _used(bank: SentenceBank, word: str) -> bool:
    """Whether the base uses a word: itself, as the thesaurus reads it, through its parts ("城乡居民医保": 城乡, 居民,
    医保), or as a place of the province ("永吉县", where the resident lives)."""
    return bool(
        bank.df(word)
        or any(bank.df(t) for t in SYNONYMS.get(word, ()))
        or any(bank.df(p) for p in tokenize_cached(word) if len(p) >= 2 and p != word)
        or places(word)
    )


# "比刚才那个多还是少", "跟前面那个比哪个大": a comparison of the last two answers' figures.
_COMPARE = re.compile(
    r"(?:比|跟|和|与)(?:刚才|前面|上一个|之前|上面)(?:那个|的|说的)?.{0,6}?"
    r"(?:多还是少|少还是多|大还是小|小还是大|高还是低|低还是高|哪个多|哪个大|哪个高|谁多|谁大|差多少|多多少|少多少)"
    r"|(?:这俩|这两个|俩)(?:比|相比)?(?:哪个|谁)(?:多|大|高)"
)


def _report_hits(index: KnowledgeIndex, doc_ids: Sequence[str], kind: Kind) -> list[Hit]:
    """The chunks of ``doc_ids`` that name the report's reporter or source (``kind``), as retrieval hits. A pass over
    the chunks' doc ids (~4 ms at 100k chunks), for the rare question about the report itself."""
    wanted = set(doc_ids)
    return [
        Hit(chunk=c, score=1.0)
        for c in index.chunks
        if c.doc_id in wanted and satisfies(kind, normalize(c.text))
    ][:2]


def _has_freshness(text: str) -> bool:
    return "政策可能已有调整" in text


# The practical asks a resident calls about, which only a sentence giving them answers.
_PRACTICAL_KINDS = frozenset({"address", "phone", "price", "fee"})


def _unmet_practical_part(parts: Sequence[str], draft: Draft) -> str:
    """The kind of the first part of a several-part message asking an address, a number to call, a price or a fee that
    none of the quoted sentences gives, or ""."""
    for part in parts:
        kind = classify(part).kind
        if kind in _PRACTICAL_KINDS and not any(satisfies(kind, seg.sentence.norm) for seg in draft.segments):
            return kind
    return ""


def _topic(loaded: _Loaded, citations: list[Citation]) -> str | None:
    for c in citations:
        topics = loaded.documents.get(c.doc_id, {}).get("topics") or []
        if topics:
            return str(topics[0])
    return None


def _guess_topic(hits: list[Hit], draft: Draft) -> str | None:
    """The topic a declined question most likely belongs to, for the right hotline: the best hit's, if it shares words."""
    if hits and draft.best_lexical > 0 and hits[0].chunk.topics:
        return hits[0].chunk.topics[0]
    return None


def _passages(hits: list[Hit]) -> list[Citation]:
    return [
        Citation(i, h.chunk.doc_id, h.chunk.title, h.chunk.date, h.chunk.text, h.chunk.start, h.chunk.end)
        for i, h in enumerate(hits[:5], 1)
    ]


def _alternatives(hits: list[Hit], cited: list[Citation], k: int = 3) -> list[Citation]:
    """Retrieved passages the answer does not quote: the staff panel offers them."""
    out: list[Citation] = []
    for h in hits:
        c = h.chunk
        if any(q.doc_id == c.doc_id and c.start <= q.start < c.end for q in cited):
            continue
        out.append(Citation(len(out) + 1, c.doc_id, c.title, c.date, c.text, c.start, c.end))
        if len(out) >= k:
            break
    return out


def build_chain(settings: Settings) -> FaqChain:
    """Load the current index, the embedder and the FAQ, warm jieba and the model: ready for the first question."""
    from bot.service import load_search

    index, embeddings = load_search(settings)
    warm_up()
    compile_patterns()
    learn_pinyin()
    embeddings.warm_up()  # type: ignore[attr-defined]
    llm = None
    if settings.llm_enabled:
        from bot.llm import LLMAnswerer  # optional mode, written by the LLM engineer

        llm = LLMAnswerer(settings, embeddings)
        llm.warm_up()
    chain = FaqChain(settings, embeddings, index)
    chain.ask("门诊共济是什么？")  # the first call through langchain and FAISS pays one-off set-up costs
    chain.llm = llm  # attached after the warm-up question: starting a server must not call a remote LLM
    return chain
