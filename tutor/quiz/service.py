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

from ingest.models import StoredChunk
from tutor.config import Settings, get_settings
from tutor.course import get_profile
from tutor.errors import TutorError
from tutor.quiz.facts import FactBank, build_fact_bank
from tutor.quiz.gate import validate
from tutor.quiz.generate_llm import Rephraser
from tutor.quiz.generate_rules import RuleGenerator
from tutor.quiz.models import ITEM_TYPES, Fact, QuizItem, Served
from tutor.quiz.naming import Naming
from tutor.quiz.topics import CourseTopics, TopicClassifier, course_topics, parse_topic
from tutor.rag.retrieve import LexicalIndex, Retriever
from tutor.store import get_embedder, get_store

log = logging.getLogger(__name__)
MAX_ITEMS = 50
# Below this many chunks every word is in a "large share" of them: no term counts as the course's subject.
MIN_CHUNKS_FOR_COMMON = 10
# The most of one true/false key a quiz holds, so neither "True" nor "False" is a safe guess.
TRUE_SHARE_MAX = 0.6
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
            common = (
                LexicalIndex(rows, matrix).common_words()
                if len(rows) >= MIN_CHUNKS_FOR_COMMON
                else frozenset()
            )
            bank = build_fact_bank(
                rows, chunk_domain=lambda r: assigned.get(r.id, ""), naming=naming, common=common
            )
            ctx = QuizContext(version, bank, tuple(rows), RuleGenerator(bank), topics)
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
    keyed: dict[bool, int] = {True: 0, False: 0}  # true/false items made, by key
    idle = 0  # turns in a row that made no item
    made = 0
    turn = 0
    # Item slots go round the queues (one per document when spreading) so every document gets its turn
    # even when one of its facts cannot make the type whose turn it is; each slot wants the type made least.
    while made < n and any(queues):
        queue = queues[turn % len(queues)]
        turn += 1
        if not queue:
            continue
        # The type made least so far (rotation order breaks ties): a fact that could not make an mcq of one
        # kind of option (it made a true/false instead) leaves the next slot wanting the mcq.
        want = min(kinds, key=lambda k: (made_by_type[k], kinds.index(k)))
        # True/false keys alternate so "True" is no safe guess: the next one is whichever key is behind.
        # A topic quiz keeps its ranked order (on-topic passages first) over the balance of keys.
        truth = keyed[True] < keyed[False] if topic is None else None
        # The other key only while the keys are even, or when a whole round of documents made nothing and one
        # more of it keeps the keys within the band (at most 60% of one key, or one over half).
        either = keyed[True] == keyed[False] or (idle >= len(queues) and _within_band(keyed, not truth))
        # A topic quiz asks each fact, in its ranked order, for the key that is behind, else the other.
        lean = keyed[True] < keyed[False] if topic is not None else None
        picked = _take(ctx, queue, want, kinds, rng, seen, per_subject, failed, truth, either, lean)
        if picked is None:
            idle += 1
            if idle > 2 * len(queues):
                break  # two rounds made nothing: what is left would tip the true/false keys out of the band
            continue
        idle = 0
        fact, item = picked
        if rephrase is not None:
            item = rephrase(item, seen) or item
        seen.append(Served(item.fact_key, item.subject, item.question))
        per_subject[fact.term.key] += 1
        made_by_type[item.type] += 1
        if item.type == "true_false":
            keyed[item.answer == "True"] += 1
        made += 1
        yield item


def _take(
    ctx: QuizContext,
    queue: list[tuple[Fact, float]],
    want: str,
    kinds: Sequence[str],
    rng: random.Random,
    seen: Sequence[Served],
    per_subject: dict[str, int],
    failed: set[tuple[int, str]],
    truth: bool | None = True,
    either: bool = True,
    lean: bool | None = None,
) -> tuple[Fact, QuizItem] | None:
    """The first fact in ``queue`` that makes a valid item, preferring the wanted type; it leaves the queue.

    Facts that can make no type at all, or whose subject has had its share, are dropped from the queue so
    later slots do not retry them; ``failed`` remembers (fact, variant) pairs already rejected, a variant
    being the type, with the key for a true/false item ("true_false:False").
    """
    # The other true/false key (when ``either``) only if no fact of the queue makes anything else: a
    # document whose one fact makes only a true statement still gets its turn.
    other = [(kinds, not truth)] if either and truth is not None else []
    passes: list[tuple[Sequence[str], bool | None]] = [((want,), truth), (kinds, truth), *other]
    for allowed, key in passes:
        for i, (fact, score) in enumerate(queue):
            if per_subject[fact.term.key] >= MAX_PER_SUBJECT:
                continue
            todo = [k for k in allowed if (id(fact), _variant(k, key)) not in failed]
            item = _first_valid(ctx, fact, todo, rng, score, seen, key, lean)
            failed.update((id(fact), _variant(k, key)) for k in todo)
            if item is not None:
                del queue[i]
                return fact, item
    keys: tuple[bool | None, ...] = (True, False) if truth is not None else (None,)
    variants = [_variant(k, t) for k in kinds for t in (keys if k == "true_false" else (True,))]
    queue[:] = [
        (f, sc)
        for f, sc in queue
        if per_subject[f.term.key] < MAX_PER_SUBJECT and any((id(f), v) not in failed for v in variants)
    ]
    return None


def _within_band(keyed: dict[bool, int], key: bool) -> bool:
    """Would one more true/false item keyed ``key`` keep that key at most 60% of them (or one over half)?"""
    total = keyed[True] + keyed[False] + 1
    return keyed[key] + 1 <= max(-(-total // 2), int(TRUE_SHARE_MAX * total + 1e-9))


def _variant(kind: str, truth: bool | None) -> str:
    return f"{kind}:{truth}" if kind == "true_false" else kind


def _first_valid(
    ctx: QuizContext,
    fact: Fact,
    kinds: Sequence[str],
    rng: random.Random,
    score: float,
    seen: Sequence[Served],
    truth: bool | None = None,
    lean: bool | None = None,
) -> QuizItem | None:
    """``lean``: with no ``truth`` asked, the true/false key that is behind. Wanting "False" from a fact that can
    only make a true statement (one about the course's own subject), the other types come first."""
    attempts: list[tuple[str, bool | None]] = [(k, truth) for k in kinds]
    if truth is None and lean is not None and "true_false" in kinds:
        attempts[list(kinds).index("true_false")] = ("true_false", lean)
        if lean is False:
            attempts.append(("true_false", True))
    for kind, key in attempts:
        item = ctx.generator.make(fact, kind, rng, score, key)
        if item is None:
            continue
        verdict = validate(item, ctx.bank, seen)
        if verdict.ok:
            return item
        log.debug("rejected %s item on %s: %s", kind, fact.term.name, "; ".join(verdict.reasons))
    return None
