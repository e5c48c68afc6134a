"""``generate_quiz``: pick facts (by topic, document, course topic, or spread over the corpus), make items, gate them.

The fact bank is mined once per index version and cached. Items come out one at a time from
``iter_quiz`` (the benchmark times each); ``generate_quiz`` collects them and remembers what it served
so the same learner is not asked the same thing twice.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from ingest.models import StoredChunk
from tutor.config import Settings, get_settings
from tutor.course import get_profile
from tutor.errors import TutorError
from tutor.quiz.cloze import blank_facts, item_types, sentence_facts
from tutor.quiz.facts import FactBank, build_fact_bank
from tutor.quiz.gate import validate
from tutor.quiz.generate_llm import Rephraser
from tutor.quiz.generate_rules import RuleGenerator
from tutor.quiz.models import ITEM_TYPES, TF_OPTIONS, Fact, QuizItem, Served
from tutor.quiz.naming import Naming
from tutor.quiz.topics import CourseTopics, TopicClassifier, course_topics, parse_topic
from tutor.rag.retrieve import LexicalIndex, Retriever
from tutor.store import get_embedder, get_store

log = logging.getLogger(__name__)
MAX_ITEMS = 50
# Below this many chunks every word is in a "large share" of them: no term counts as the course's subject.
MIN_CHUNKS_FOR_COMMON = 10
# Words in more than this share of the chunks name the course's own subject: a stem needs other topical words.
SUBJECT_SHARE = 0.4
# The most of one true/false key a quiz holds, so neither "True" nor "False" is a safe guess.
TRUE_SHARE_MAX = 0.6
# How often a document not yet asked about is retried right after the next item (see ``iter_quiz``).
MAX_RETRIES = 3
MAX_PER_SUBJECT = 2  # per quiz, so one well-covered term (the course's main tool) does not fill it
# A passage is on-topic when its dense score is high, or fairly high with matching words.
TOPIC_DENSE = 0.3
TOPIC_DENSE_WITH_WORDS = 0.25
TOPIC_LEXICAL = 0.5


@dataclass(frozen=True)
class QuizContext:
    version: str
    bank: FactBank
    rows: tuple[StoredChunk, ...]
    generator: RuleGenerator
    topics: CourseTopics

    @property
    def doc_ids(self) -> list[str]:
        return sorted({r.doc_id for r in self.rows})

    @cached_property
    def _by_id(self) -> dict[str, StoredChunk]:
        return {r.id: r for r in self.rows}

    def chunk(self, chunk_id: str) -> StoredChunk | None:
        return self._by_id.get(chunk_id)


_CONTEXTS: dict[str, QuizContext] = {}
_LOCK = threading.Lock()


def quiz_context(settings: Settings | None = None) -> QuizContext:
    """The mined corpus for the current index (rebuilt when the index changes)."""
    store = get_store(settings)
    if store.count() == 0:
        raise TutorError("The index is empty, so there is nothing to quiz you on. Run `tutor ingest` first.")
    profile = get_profile(settings)
    naming = Naming.from_profile(profile)
    version = f"{store.version}|{hash(profile)}"
    with _LOCK:
        ctx = _CONTEXTS.get(version)
        if ctx is None:
            rows, matrix = store.chunks_with_vectors()
            topics = course_topics(profile, rows)
            classifier = TopicClassifier(topics, get_embedder().embed)
            assigned = dict(zip((r.id for r in rows), classifier.assign(rows, matrix), strict=True))
            # A share of the chunks says what the course is about only when there are enough chunks.
            lexical = LexicalIndex(rows, matrix) if len(rows) >= MIN_CHUNKS_FOR_COMMON else None
            bank = build_fact_bank(
                rows,
                chunk_domain=lambda r: assigned.get(r.id, ""),
                naming=naming,
                common=lexical.common_words() if lexical else frozenset(),
                subject=lexical.common_words(SUBJECT_SHARE) if lexical else frozenset(),
            )
            ctx = QuizContext(version, bank, tuple(rows), RuleGenerator(bank, get_embedder().embed), topics)
            _CONTEXTS.clear()
            _CONTEXTS[version] = ctx
        return ctx


def list_topics(settings: Settings | None = None) -> CourseTopics:
    """The course's topics (the profile's, else derived from the indexed documents); none when nothing is indexed."""
    profile = get_profile(settings)
    if profile.topics:
        return course_topics(profile, ())
    store = get_store(settings)
    if store.count() == 0:
        return CourseTopics(source="documents")
    version = f"{store.version}|{hash(profile)}"
    with _LOCK:
        ctx = _CONTEXTS.get(version)
    if ctx is not None:
        return ctx.topics
    return course_topics(profile, store.all_chunks())


def resolve_doc(ctx: QuizContext, doc: str) -> str:
    """A document id from what the user typed: the id, its file name, or a unique prefix of either."""
    ids = ctx.doc_ids
    d = doc.strip()
    if d in ids:
        return d
    low = d.lower()
    hits = [i for i in ids if i.lower() == low or i.lower().rsplit("/", 1)[-1].split(".")[0] == low]
    hits = hits or [
        i for i in ids if i.lower().startswith(low) or i.lower().rsplit("/", 1)[-1].startswith(low)
    ]
    if len(hits) == 1:
        return hits[0]
    listing = ", ".join(ids)
    if len(hits) > 1:
        raise TutorError(f"'{doc}' matches several documents ({', '.join(hits)}); give more of the name.")
    raise TutorError(
        f"No document '{doc}' in the index. Indexed documents: {listing}. Add it with `tutor ingest PATH`."
    )


def check_args(n: int, types: Sequence[str]) -> tuple[str, ...]:
    if n <= 0:
        raise TutorError(f"Asked for {n} questions; ask for at least 1 (e.g. --n 5).")
    if n > MAX_ITEMS:
        raise TutorError(f"Asked for {n} questions; at most {MAX_ITEMS} at a time.")
    kinds = tuple(dict.fromkeys(types)) or ITEM_TYPES
    bad = [t for t in kinds if t not in ITEM_TYPES]
    if bad:
        raise TutorError(f"Unknown question type {', '.join(bad)}; use {', '.join(ITEM_TYPES)}.")
    return kinds


def _topic_facts(
    ctx: QuizContext, facts: list[Fact], topic: str, doc_id: str | None, settings: Settings | None
) -> list[tuple[Fact, float]]:
    if not topic.strip():
        raise TutorError(
            "The topic is empty; give a few words (e.g. --topic 'how backups work') or leave it out."
        )
    result = Retriever(get_store(settings), get_embedder()).search(topic, k=12, doc_id=doc_id)
    rank: dict[str, tuple[int, float]] = {}
    for p in result.passages:
        on_topic = p.dense >= TOPIC_DENSE or (
            p.dense >= TOPIC_DENSE_WITH_WORDS and p.lexical >= TOPIC_LEXICAL
        )
        if on_topic:
            rank[p.chunk_id] = (p.rank, p.score)
    chosen = [(f, rank[f.chunk_id][1]) for f in facts if f.chunk_id in rank]
    chosen.sort(key=lambda fs: rank[fs[0].chunk_id][0])
    if not chosen:
        raise TutorError(
            f"Nothing in your material about '{topic}' that questions can be made from. Try a broader topic, "
            "another wording, or leave --topic out to be quizzed across all documents."
        )
    return chosen


def _spread(
    facts: list[Fact], served_per_doc: dict[str, int], served_subjects: set[str], rng: random.Random
) -> list[list[tuple[Fact, float]]]:
    """One queue per document, least-practised document first; within a document, unseen terms first."""
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        by_doc[f.doc_id].append(f)
    for fs in by_doc.values():
        rng.shuffle(fs)
        fs.sort(key=lambda f: f.term.name in served_subjects)
    # Documents with few facts go first, before the terms they share with others have had their share.
    order = sorted(by_doc, key=lambda d: (served_per_doc.get(d, 0), min(len(by_doc[d]), 10), rng.random()))
    return [[(f, 1.0) for f in by_doc[d]] for d in order]


def iter_quiz(
    topic: str | None = None,
    doc_id: str | None = None,
    domain: str | None = None,
    n: int = 5,
    types: Sequence[str] = ITEM_TYPES,
    backend: str | None = None,
    learner: str = "default",
    served: Sequence[Served] = (),
    served_per_doc: dict[str, int] | None = None,
    seed: int | None = None,
    settings: Settings | None = None,
) -> Iterator[QuizItem]:
    """Yield up to ``n`` validated items, each as soon as it passes the gate."""
    kinds = check_args(n, types)
    s = settings or get_settings()
    name = backend or s.backend
    ctx = quiz_context(s)
    doc = resolve_doc(ctx, doc_id) if doc_id else None
    dom = parse_topic(domain, ctx.topics.topics, ctx.topics.label) if domain else None
    facts = [
        f for f in ctx.bank.facts if (doc is None or f.doc_id == doc) and (dom is None or f.domain == dom)
    ]
    if not facts:
        label = ctx.topics.label
        where = " and ".join(
            x for x in (f"document {doc}" if doc else "", f"{label} {dom}" if dom else "") if x
        )
        raise TutorError(
            f"No definitions in {where or 'the material'} to make questions from; try another document or {label}."
        )
    seed_text = f"{learner}|{len(served)}" if seed is None else str(seed)
    rng = random.Random(int(hashlib.sha1(seed_text.encode()).hexdigest()[:8], 16))
    if topic is not None:
        queues = [_topic_facts(ctx, facts, topic, doc, s)]
    else:
        queues = _spread(facts, served_per_doc or {}, {x.subject for x in served}, rng)

    rephrase = None
    if name != "extractive":
        rephrase = Rephraser(name, ctx.bank, settings=s, embed=get_embedder().embed)
    seen = list(served)
    per_subject: dict[str, int] = defaultdict(int)
    failed: set[tuple[int, str]] = set()
    made_by_type: dict[str, int] = defaultdict(int)
    # True/false items made, by key. A topic quiz is a few items (the chat's "quiz me on X"): its keys are
    # balanced together with the learner's earlier true/false items, so a run of short quizzes is too.
    keyed = key_counts(served) if topic is not None else {True: 0, False: 0}
    idle = 0  # turns in a row that made no item
    made = 0
    turn = 0
    # Documents the learner has been asked about; one not yet asked whose slot made nothing (its facts may only
    # make a true statement, and the keys were at their share of "True") gets the slot after the next item,
    # a few times, rather than waiting a whole round the quiz may not last.
    asked = {d for d, k in (served_per_doc or {}).items() if k} if topic is None else set()
    waiting: list[list[tuple[Fact, float]]] = []
    retries: dict[int, int] = defaultdict(int)
    # Item slots go round the queues (one per document when spreading) so every document gets its turn
    # even when one of its facts cannot make the type whose turn it is; each slot wants the type made least.
    while made < n and any(queues):
        if waiting and idle == 0 and made:
            queue = waiting.pop(0)
        else:
            queue = queues[turn % len(queues)]
            turn += 1
        if not queue:
            continue
        # The type made least so far (rotation order breaks ties): a fact that could not make an mcq of one
        # kind of option (it made a true/false instead) leaves the next slot wanting the mcq.
        want = min(kinds, key=lambda k: (made_by_type[k], kinds.index(k)))
        keys = NextKey.after(keyed, idle >= len(queues), in_rank_order=topic is not None)
        picked = _take(ctx, queue, want, kinds, rng, seen, per_subject, failed, keys)
        if picked is None:
            idle += 1
            if idle > 2 * len(queues):
                break  # two rounds made nothing: what is left would tip the true/false keys out of the band
            doc_of = queue[0][0].doc_id if queue else ""
            if topic is None and doc_of and doc_of not in asked and retries[id(queue)] < MAX_RETRIES:
                retries[id(queue)] += 1
                waiting.append(queue)
            continue
        idle = 0
        fact, item = picked
        asked.add(fact.doc_id)
        waiting = [q for q in waiting if q and q[0][0].doc_id not in asked]
        if rephrase is not None:
            item = rephrase(item, seen) or item
        seen.append(served_as(item))
        per_subject[fact.term.key] += 1
        made_by_type[item.type] += 1
        if item.type == "true_false":
            keyed[item.answer == "True"] += 1
        made += 1
        yield item


def key_counts(served: Sequence[Served]) -> dict[bool, int]:
    """The true/false items among ``served``, by key (True: keyed "True")."""
    keys = [x.answer == "True" for x in served if x.answer in TF_OPTIONS]
    return {True: sum(keys), False: len(keys) - sum(keys)}


def served_as(item: QuizItem) -> Served:
    """What later items are checked against (and, for a true/false item, its key for the balance of keys)."""
    return Served(
        item.fact_key, item.subject, item.question, item.answer if item.type == "true_false" else ""
    )


@dataclass(frozen=True)
class NextKey:
    """Which true/false key the next item may have, so that answering "True" every time is no safe guess."""

    wanted: bool  # the key that is behind ("False" while the keys are even)
    other_ok: bool  # the other key keeps the keys balanced too
    # A topic quiz asks each fact, in its ranked order (on-topic passages first), for every key it may have
    # before the next fact; a spread quiz asks every fact for the wanted key before any for the other.
    in_rank_order: bool

    @classmethod
    def after(cls, keyed: dict[bool, int], idle_round: bool, in_rank_order: bool = False) -> NextKey:
        """The key behind; the other only while the keys are even, or when a whole round made nothing and one
        more of it keeps the keys within the band (at most 60% of one key, or one over half)."""
        wanted = keyed[True] < keyed[False]
        even = keyed[True] == keyed[False]
        return cls(wanted, even or (idle_round and _within_band(keyed, not wanted)), in_rank_order)

    def keys(self) -> tuple[bool, ...]:
        return (self.wanted, not self.wanted) if self.other_ok else (self.wanted,)

    def passes(self, want: str, kinds: Sequence[str]) -> list[list[tuple[str, bool]]]:
        """The (type, key) variants each pass over the queue tries, in order (the key matters for true/false only)."""
        other = [("true_false", not self.wanted)] if self.other_ok and "true_false" in kinds else []
        if self.in_rank_order:
            return [
                [(want, self.wanted), *(other if want == "true_false" else [])],
                [*((k, self.wanted) for k in kinds), *other],
            ]
        # The other key only when no fact of the queue makes anything else: a document whose one fact makes
        # only a true statement still gets its turn.
        return [[(want, self.wanted)], [(k, self.wanted) for k in kinds], *([other] if other else [])]


def _take(
    ctx: QuizContext,
    queue: list[tuple[Fact, float]],
    want: str,
    kinds: Sequence[str],
    rng: random.Random,
    seen: Sequence[Served],
    per_subject: dict[str, int],
    failed: set[tuple[int, str]],
    keys: NextKey,
) -> tuple[Fact, QuizItem] | None:
    """The first fact in ``queue`` that makes a valid item, preferring the wanted type; it leaves the queue.

    Facts that can make no type at all, or whose subject has had its share, are dropped from the queue so
    later slots do not retry them; ``failed`` remembers (fact, variant) pairs already rejected, a variant
    being the type, with the key for a true/false item ("true_false:False"). In rank order, a fact that makes
    nothing the keys allow (a statement about the course's own subject can only be true, and the quiz is at
    its share of "True") is asked from its sentence instead: another term it names, or a blank to fill in.
    """
    passes = keys.passes(want, kinds)
    for p, variants in enumerate(passes):
        for i, (fact, score) in enumerate(queue):
            if per_subject[fact.term.key] >= MAX_PER_SUBJECT:
                continue
            todo = [(k, t) for k, t in variants if (id(fact), _variant(k, t)) not in failed]
            picked = _first_valid(ctx, fact, todo, rng, score, seen)
            failed.update((id(fact), _variant(k, t)) for k, t in todo)
            if picked is None and keys.in_rank_order and p == len(passes) - 1:
                picked = _from_sentence(ctx, fact, kinds, rng, score, seen, per_subject, failed)
            if picked is not None:
                del queue[i]
                return picked
    every = [_variant(k, t) for k in kinds for t in ((True, False) if k == "true_false" else (True,))]
    queue[:] = [
        (f, sc)
        for f, sc in queue
        if per_subject[f.term.key] < MAX_PER_SUBJECT and any((id(f), v) not in failed for v in every)
    ]
    return None


def _within_band(keyed: dict[bool, int], key: bool) -> bool:
    """Would one more true/false item keyed ``key`` keep that key at most 60% of them (or one over half)?"""
    total = keyed[True] + keyed[False] + 1
    return keyed[key] + 1 <= max(-(-total // 2), int(TRUE_SHARE_MAX * total + 1e-9))


def _variant(kind: str, truth: bool) -> str:
    return f"{kind}:{truth}" if kind == "true_false" else kind


def _first_valid(
    ctx: QuizContext,
    fact: Fact,
    variants: Sequence[tuple[str, bool]],
    rng: random.Random,
    score: float,
    seen: Sequence[Served],
) -> tuple[Fact, QuizItem] | None:
    for kind, key in variants:
        item = ctx.generator.make(fact, kind, rng, score, key)
        if item is None:
            continue
        verdict = validate(item, ctx.bank, seen)
        if verdict.ok:
            return fact, item
        log.debug("rejected %s item on %s: %s", kind, fact.term.name, "; ".join(verdict.reasons))
    return None


def _from_sentence(
    ctx: QuizContext,
    fact: Fact,
    kinds: Sequence[str],
    rng: random.Random,
    score: float,
    seen: Sequence[Served],
    per_subject: dict[str, int],
    failed: set[tuple[int, str]],
) -> tuple[Fact, QuizItem] | None:
    """An item from the fact's own sentence (its evidence), else from another sentence of its passage (on the
    topic too): a "which" question about another term the sentence names, else a phrase to fill in
    (``tutor.quiz.cloze``)."""
    if (id(fact), "sentence") in failed or (row := ctx.chunk(fact.chunk_id)) is None:
        return None
    failed.add((id(fact), "sentence"))
    found = [*sentence_facts(ctx.bank, row, fact.sentence), *blank_facts(ctx.bank, row, fact.sentence)]
    found.sort(key=lambda f: f.sentence != fact.sentence)  # stable: each kind in its own order
    for other in found:
        if per_subject[other.term.key] >= MAX_PER_SUBJECT:
            continue
        variants = [(k, True) for k in item_types(ctx.bank, other, kinds)]
        picked = _first_valid(ctx, other, variants, rng, score, seen)
        if picked is not None:
            return picked
    return None
