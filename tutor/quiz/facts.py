"""Mine the indexed corpus for quiz material: named terms, their kinds, and definitional sentences.

Everything a rule-based item needs comes from here: the answer key (a term the sentence defines), the
evidence (the sentence, verbatim, inside one indexed chunk) and distractors of the same kind (other terms
the corpus itself lists or defines: siblings in a bullet list, other named products, other algorithms).
What a course calls its things comes from its profile (``naming.Naming``: prefixed product names and what
they denote, generic words); without one nothing here depends on a vendor's naming.
Patterns recognised, on each sentence or bullet of the cleaned documents:

- ``Term: is/provides/requires ...``       (glossary bullets)      -> "Which <kind> is ...?"
- ``Term is/provides/tags ...``            (subject-verb sentence)  -> "Which algorithm tags ...?"
- ``You can use <Prefix> Term to ...``     (prefixed names only)    -> "Which <kind> can you use to ...?"
- ``..., <Prefix> Term, a/an description`` (apposition)             -> "Which <kind> is a ...?"
- ``Term: Noun phrase or gerund``          (list of key concepts)   -> "Which term describes “...”?"

When none of these matches a sentence, the general patterns of ``mining`` are tried (definitions, glossary
lines, a heading or term line with its first sentence, code terms, "which package" cloze questions).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ingest.models import StoredChunk
from ingest.text import content_tokens, split_sentences, without_references
from ingest.words import CONTEXT_ADVERBS, wordset
from tutor.quiz.kinds import PERSON, REFINABLE, KindEvidence, garbled, junk, passing, same_look, trivial
from tutor.quiz.mining import (
    ADVERB,
    FINITE,
    WHICH,
    WHICH_MID,
    Definition,
    Vocabulary,
    build_vocabulary,
    cloze_definition,
    described,
    glossary_definition,
    heading_term,
    in_section,
    leans_on_context,
    logical_lines,
    points_elsewhere,
    section_title,
    sentence_definitions,
    term_line_definition,
    without_leaning,
)
from tutor.quiz.models import Fact, Term
from tutor.quiz.naming import HEAD_KINDS, PLAIN, Naming

# Verbs that end a definitional subject ("X provides ...", "X tags ..."); enough for this register of text.
VERBS = frozenset(
    wordset(
        """is are provides provide tags generalizes detects captures helps help automates involves involve makes make
    ensures ensure optimizes optimize allows allow lets supports support speeds orchestrates gives finds requires
    require offers encrypts aims converts enables collects manipulates uses use launches creates saves stores runs
    delivers manages reads chooses"""
    )
)
ADVERBS = wordset("also automatically typically generally often")
PRONOUNS = wordset("it this these they that those there here which")
# Words that may never start a term ("For example: ...", "Note: ...").
NOT_TERM_START = frozenset(
    wordset(
        """a an the for note example examples here below topics some common other this these that it they you we in
    by with when if as however alternatively what tightly loosely overal overall click figure photo exam step
    part one two three references more less while any using unlike apart behind currently to although since
    because so then also all each every both many most"""
    )
)
HEAD_NOUNS = wordset("algorithm layer service platform tool")
# A stem whose whole predicate is a comparison: it says what the term resembles, not what it is or does.
SIMILE = re.compile(
    r"^(?:[^,]*, )?[Ww]hich [\w ]*?(?:is|are) (?:just |much )?(?:like|akin to|similar to|analogous to)\b"
)
# Words that lean on text the learner does not see: "the corresponding operation", "such paths", "should now".
_DANGLING = re.compile(
    r"\b(?:corresponding|such(?! as)|former|latter|(?:can|could|may|might|must|should|will|would) (?:now|then)|"
    r"now (?:holds?|contains?|has|is|are|looks?))\b|^(?:[^,]*, )?(?:It|They|This|These|Those)\b"
)


def dangling(text: str) -> bool:
    """Does the text point back at something said before it ("It requires ...", "the corresponding entry")?"""
    return _DANGLING.search(text) is not None


# Words that do not tell one key from another: auxiliaries and modals ("must not be ...") and adverbs leaning
# on the text before. A stem needs topical words besides these.
UNSPECIFIC = frozenset(content_tokens(" ".join((*FINITE, *CONTEXT_ADVERBS))))
_BULLET = re.compile(r"^(\s*(?:[-•*]|\d+[.)])\s+)")
_COLON = re.compile(r"^([^:]{2,60}?):\s+(\S.*)$")
_GLOSS_LINE = re.compile(r"^[^:]{1,60}:\s+\S")


def canonical(name: str) -> str:
    """Key for comparing term names when no course naming is at hand (see ``Naming.canonical``)."""
    return PLAIN.canonical(name)


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    text: str
    tokens: frozenset[str]


@dataclass(frozen=True)
class _Unit:
    """One sentence of a document (whitespace collapsed to single characters), with where it sits."""

    doc_id: str
    text: str
    start: int
    end: int
    bullet: bool
    group: str
    # The sentence opens its line (a glossary line's "Term: ..." can only start there).
    opens_line: bool = True
    # Consecutive glossary lines outside bullet lists share a run id (their terms are siblings).
    run: str = ""
    # The sentence begins after the end of another (not a line a PDF wrapped and the chunker split).
    after_stop: bool = True
    # A short line just before the paragraph this sentence opens ("APT::Periodic::Foo" / "This option ...").
    term_line: str = ""


class FactBank:
    """Terms, facts and sentences of the whole index; built once per index version (see service.py)."""

    def __init__(
        self,
        terms: dict[str, Term],
        facts: list[Fact],
        sentences: list[Sentence],
        naming: Naming = PLAIN,
        evidence: KindEvidence | None = None,
    ) -> None:
        self.naming = naming
        # How the text uses capitalised names: who is a person, for names the miner found no kind for.
        self.evidence = evidence
        # Keys of terms most passages of the course name (its own subject): the obvious guess, so never an
        # option or the key to pick or type; a true/false statement about one is still a fair question.
        self.common: frozenset[str] = frozenset()
        # Keys of phrases that describe one instance ("a new bug"): true statements may be about one, but no
        # item asks to name or pick one, and none is a wrong option or a swapped-in name.
        self.phrases = frozenset(k for k, t in terms.items() if passing(t.name))
        # Stems of the words most passages of the course contain ("debian" in a book about it): they name its
        # subject, not any one term, so they make no question specific.
        self.subject_words: frozenset[str] = frozenset()
        self.terms = terms
        self.facts = facts
        self.sentences = sentences
        self.by_kind: dict[str, list[Term]] = defaultdict(list)
        for t in terms.values():
            self.by_kind[t.kind].append(t)
        self.by_group: dict[str, list[Term]] = defaultdict(list)
        for t in terms.values():
            if t.group:
                self.by_group[t.group].append(t)
        self.facts_by_term: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            self.facts_by_term[f.term.key].append(f)
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._sentences_about: dict[str, list[Sentence]] = {}
        self._alias_index: dict[str, str] = {}
        self._articles: dict[str, frozenset[str]] = {}
        for t in terms.values():
            for a in (t.name, *t.aliases):
                self._alias_index.setdefault(naming.canonical(a), t.key)

    def canonical(self, name: str) -> str:
        return self.naming.canonical(name)

    def informative(self, text: str) -> set[str]:
        """Content words of ``text`` that identify something (not the course's generic words)."""
        return {t for t in content_tokens(text) if t not in self.naming.generic}

    def label(self, term: Term) -> str:
        return self.naming.label(term.kind)

    def lookup(self, text: str) -> Term | None:
        key = self._alias_index.get(self.naming.canonical(text))
        return self.terms.get(key) if key else None

    def pattern(self, term: Term) -> re.Pattern[str]:
        if term.key not in self._patterns:
            names = sorted({a for a in (term.name, *term.aliases) if a}, key=len, reverse=True)
            self._patterns[term.key] = re.compile(
                r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])"
            )
        return self._patterns[term.key]

    def mentions(self, term: Term, text: str) -> bool:
        return self.pattern(term).search(text) is not None

    def sentences_about(self, term: Term) -> list[Sentence]:
        """Every corpus sentence that names ``term`` (cached: distractor checks ask this a lot)."""
        if term.key not in self._sentences_about:
            pat = self.pattern(term)
            self._sentences_about[term.key] = [s for s in self.sentences if pat.search(s.text)]
        return self._sentences_about[term.key]

    def is_person(self, term: Term) -> bool:
        """Is the term a person: of that kind, or a name the text uses as a person's (a term made from a sentence)?"""
        if term.kind == PERSON:
            return True
        if self.evidence is None or term.kind not in REFINABLE or not term.name[:1].isupper():
            return False
        return self.evidence.kind(term.name, "name") == PERSON

    def articles(self, name: str) -> frozenset[str]:
        """The articles the text writes right before ``name`` ("a", "an", "the"): "a data frame" makes it a
        countable noun, a name the text never writes after "a" or "an" is a mass noun or a proper name."""
        if name not in self._articles:
            pat = re.compile(r"\b([Aa]n?|[Tt]he)\s+" + re.escape(name) + r"(?![\w-])")
            self._articles[name] = frozenset(
                m.group(1).lower() for s in self.sentences if name in s.text for m in pat.finditer(s.text)
            )
        return self._articles[name]

    def same_kind(self, term: Term) -> list[Term]:
        """Candidates for distractors: list siblings first, then every other term of the same kind that looks
        like it (no "par()" among "points" and "search", no "Falcon" among "Distro 8 Falcon")."""
        seen = {term.key}
        out: list[Term] = []
        for t in (
            [*self.by_group.get(term.group, []), *self.by_kind.get(term.kind, [])]
            if term.group
            else self.by_kind.get(term.kind, [])
        ):
            if (
                t.key not in seen
                and t.kind == term.kind
                and t.key not in self.common
                and t.key not in self.phrases
                and same_look(t.name, term.name, term.kind)
            ):
                seen.add(t.key)
                out.append(t)
        return out


def _words(s: str) -> list[str]:
    return s.split()


def _termish(np_text: str, known: set[str], nm: Naming) -> bool:
    """Is this leading noun phrase a named term rather than ordinary words ("Data transformation")?"""
    words = _words(np_text)
    if not words or len(words) > 7 or words[0].lower() in NOT_TERM_START or re.search(r"[(),;]", np_text):
        return False
    if len(words) > 1 and ADVERB.fullmatch(words[0]):
        return False  # "Technically R is ...": a sentence adverb, not part of a name
    if nm.canonical(np_text) in known:
        return True
    if (
        not words[0][:1].isupper() or words[0].endswith("ing")
    ):  # "services in this layer", "Creating a job"  # "Creating a training job ...", "Understanding ML Services"
        return False
    if nm.named is not None and nm.named.fullmatch(np_text):
        return True
    if words[-1].lower() in ("algorithm", "layer", "hyperparameters"):
        return True
    # A first word with CamelCase or digits: BlazingText, Object2Vec, AutoML, P3 instances, SSE-KMS.
    if re.search(r"[a-z][A-Z]|[A-Za-z]\d|^[A-Z]{2,}-[A-Z0-9]", words[0]):
        return True
    # Title Case phrases of 2+ words ("Custom Model Training").
    return len(words) >= 2 and all(
        w[:1].isupper() or w.lower() in ("and", "of", "with", "for") for w in words
    )


def _kind_for(name: str, key: str, group_kind: str, named_keys: set[str], nm: Naming) -> str:
    last = name.split()[-1].lower() if name.split() else ""
    if group_kind == "algorithm":
        return "algorithm"
    if last in HEAD_KINDS:
        return HEAD_KINDS[last]
    if (nm.has_prefix(name) or key in named_keys) and nm.is_product_key(key):
        return nm.named_kind
    return group_kind or "concept"


def reconstruct(rows: list[StoredChunk]) -> dict[str, str]:
    """Each document's cleaned text, rebuilt from its chunks (``text == cleaned[start:end]``)."""
    docs: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: (r.doc_id, r.start)):
        buf = docs.setdefault(r.doc_id, [])
        length = len(buf)
        if r.end > length:
            buf.extend("\n" * (r.end - length))
        buf[r.start : r.end] = list(r.text)
    return {d: "".join(b) for d, b in docs.items()}


def _units(doc_id: str, text: str) -> tuple[list[_Unit], dict[str, tuple[str, list[str]]]]:
    """Sentences of a document plus its bullet lists: group id -> (intro line, bullet texts)."""
    units: list[_Unit] = []
    groups: dict[str, tuple[str, list[str]]] = {}
    intro = ""
    current = ""
    run = ""
    last_end = -1
    previous = ""  # the previous logical line, when it may name the term of the paragraph after it
    previous_start = 0
    stopped = True
    for line_start, line_end, is_code in logical_lines(text):
        # Lines a PDF wrapped are one logical line; newlines inside it become spaces (offsets unchanged).
        line = text[line_start:line_end].replace("\n", " ")
        if is_code:
            current = ""
            previous, stopped = "", True
            continue
        gloss = _GLOSS_LINE.match(line) is not None and not _BULLET.match(line)
        adjacent = text[last_end:line_start].count("\n") <= 2
        run = (run if run and adjacent else f"{doc_id}@{line_start}") if gloss else ""
        last_end = line_end
        m = _BULLET.match(line)
        if m:
            if not current:
                current = f"{doc_id}#{line_start}"
                groups[current] = (intro, [])
            body_start = line_start + m.end()
            body = line[m.end() :]
            groups[current][1].append(body.strip())
        else:
            current = ""
            intro = line.strip()
            body_start, body = line_start, line
        for i, (s, e) in enumerate(split_sentences(body)):
            after_stop = i > 0 or stopped
            units.append(
                _Unit(
                    doc_id,
                    body[s:e],
                    body_start + s,
                    body_start + e,
                    bool(m),
                    current,
                    i == 0,
                    run,
                    after_stop,
                )
            )
            if i == 0 and previous and not m:
                # The term line and the sentence together: one span of the text, whitespace collapsed.
                joined = " ".join(text[previous_start : body_start + e].split())
                units.append(
                    _Unit(
                        doc_id, joined, previous_start, body_start + e, False, "", False, "", True, previous
                    )
                )
        heading = re.match(r"^#{1,6} ", line.lstrip()) is not None
        short = (len(line.split()) <= 3 and not m and not line.lstrip().startswith("#")) or heading
        previous, previous_start = (line.strip(), line_start) if short else ("", 0)
        stopped = re.search(r"[.!?:;][\"”’')\]]*\s*$", line) is not None or len(line.strip()) < 50
    return units, groups


def _member_name(bullet: str, nm: Naming) -> str | None:
    """The term a bullet names: "Term: ...", "Term verb ...", or a short bullet that is just a name."""
    m = _COLON.match(bullet)
    if m and 1 <= len(_words(m.group(1))) <= 7 and m.group(1)[:1].isupper():
        return m.group(1).strip()
    spans = split_sentences(bullet)
    sent = bullet[spans[0][0] : spans[0][1]] if spans else bullet
    words = _words(sent)
    for i, w in enumerate(words[:6]):
        if w.lower() in VERBS and i > 0:
            name = " ".join(words[:i])
            if not _agrees(name, w):
                return None  # "Need native support for ...": a noun, not the verb of a name
            return name if _termish(name, set(), nm) or (i <= 3 and name[:1].isupper()) else None
    if len(words) <= 6 and sent[:1].isupper() and not sent.endswith(":"):
        # "Cloud Store (as storage for a data lake)" names Cloud Store.
        return re.sub(r"\s*\((?:as|for|e\.g\.)[^)]*\)\s*$", "", sent).strip(" .")
    return None


def _group_kind(intro: str, members: list[str]) -> str:
    low = intro.lower()
    if "algorithm" in low:
        return "algorithm"
    if "layer" in low or (members and all(m.lower().endswith("layer") for m in members)):
        return "layer"
    return ""


def _trim_predicate(text: str, nm: Naming) -> str:
    """Cut a trailing clause about something else: ", and it will be covered ..." / "; ...", figure refs."""
    text = re.sub(r"\s*\((?:Figure|Fig\.|e\.g\.)[^)]*\)?", "", without_references(text))
    text = re.sub(
        r"\b(?:is|are) (?:another|an?(?: very)?(?: clear)?) example(?: of [^,]+)?, which ", "", text
    )
    text = text.split(" - ")[0]
    owners = f"{nm.prefix_alt}|" if nm.prefix_alt else ""
    m = re.search(rf",? (?:and|but) (?=(?:it|this|they|these|{owners}[A-Z])\b)", text)
    if m:
        text = text[: m.start()]
    return text.split("; ")[0].rstrip(" .,:;")


def _which(label: str) -> str:
    return f"Which {label}" if label else "Which of the following"


def _stem_from_statement(statement: str, term_text: str, nm: Naming) -> str | None:
    """Replace the sentence's subject term with a "Which ..." phrase; None unless the term is the subject."""
    m = re.match(r"^(?:The\s+)?" + re.escape(term_text) + r"(?![\w-])", statement)
    if not m:
        return None
    rest = statement[m.end() :].lstrip()
    words = _words(rest)
    if not words or not rest[0].isalpha():
        return None
    # Between the term and its verb: "of the ML stack" keeps the label, "forecasting algorithm" replaces it.
    i = 0
    while i < len(words) and words[i].lower().strip(",") not in VERBS and i < 7:
        i += 1
    if i == len(words) or i >= 7:
        return None
    between = [w.lower() for w in words[:i]]
    if between and between[0] in ("and", "or", "nor", "but"):
        return None  # "The Deep Learning image and containers are ..." has a compound subject
    if between and between[0] not in ("of", "in", "on", "for", "with", "also"):
        # Only a noun phrase ending in a kind noun may continue the subject ("forecasting algorithm").
        if len(between) > 2 or between[-1] not in HEAD_NOUNS or not all(w.isalpha() for w in between):
            return None
        stem = "Which " + rest
    else:
        stem = WHICH + " " + rest
    return _trim_predicate(stem, nm) + "?"


def _predicate_stem(term_text: str, rest: str, bullet: bool, nm: Naming) -> tuple[str, str, str] | None:
    """Glossary bullet ``Term: rest`` -> (term as the sentence spells it, statement, stem)."""
    rest = rest.strip()
    words = _words(rest)
    if len(words) < 3:
        return None
    first = words[0].lower().strip(",")
    if first in (
        "when",
        "if",
        "alternatively",
        "here",
        "for",
        "as",
        "however",
        "this",
        "these",
        "with",
        "you",
        "in",
    ):
        return None
    if rest.startswith("The ") or rest.startswith(term_text):
        # "The Acme DeepAR forecasting algorithm is ..." -> "Which forecasting algorithm is ...?"
        stem = _stem_from_statement(rest, term_text, nm)
        if stem is None:
            # "X layer: The X layer is ...", where the heading spells X differently from the sentence.
            sub = _subject(rest, set(), nm)
            if sub and not sub[0] and sub[1].split()[-1] == term_text.split()[-1]:
                term_text = sub[1]
                stem = _stem_from_statement(rest, term_text, nm)
        return (term_text, rest, stem) if stem else None
    if first in ("they", "it"):
        words = words[1:]
        first = words[0].lower() if words else ""
        rest = " ".join(words)
    if first in VERBS:
        return term_text, f"{term_text} {rest}", _trim_predicate(f"{WHICH} {rest}", nm) + "?"
    # A noun phrase or gerund in a bulleted glossary: a definition in the dictionary sense.
    if bullet and rest[:1].isupper() and first not in PRONOUNS:
        body = rest.rstrip(" .")
        if body[1:2].isupper():
            return None  # "CRISP-DM on the Cloud" is a table-of-contents line, not a definition
        body = body[0].lower() + body[1:]
        return term_text, f"{term_text}: {rest}", f"Which term describes “{body}”?"
    return None


def build_fact_bank(
    rows: list[StoredChunk],
    chunk_domain: Callable[[StoredChunk], str] | None = None,
    naming: Naming = PLAIN,
    common: frozenset[str] = frozenset(),
    subject: frozenset[str] = frozenset(),
) -> FactBank:
    """``common``: stems in a large share of the course's chunks (its own subject); no term made only of them
    is an answer key or an option. ``subject``: stems in most chunks, which make no question specific."""
    nm = naming
    canonical = nm.canonical
    texts = reconstruct(rows)
    by_doc: dict[str, list[StoredChunk]] = defaultdict(list)
    for r in rows:
        by_doc[r.doc_id].append(r)

    # Pass 1: the corpus's own term lists and the prefixed product names it mentions (when the course has any).
    service_names: Counter[str] = Counter()
    service_display: dict[str, str] = {}
    for text in texts.values():
        for m in nm.named.finditer(text) if nm.named is not None else ():
            name = re.sub(r"-based$", "", m.group(0))
            key = canonical(name)
            if key and nm.is_product_key(key):
                service_names[key] += 1
                # Prefer the prefixed spelling the corpus uses first ("<Prefix> Data Store").
                service_display.setdefault(key, name)
    service_keys = set(service_names)

    all_units: dict[str, list[_Unit]] = {}
    members: dict[str, tuple[str, str]] = {}  # key -> (display name, group id)
    group_kinds: dict[str, str] = {}
    for doc_id, text in texts.items():
        units, groups = _units(doc_id, text)
        all_units[doc_id] = units
        for gid, (intro, bullets) in groups.items():
            names = [n for n in (_member_name(b, nm) for b in bullets) if n and _termish_member(n)]
            if len(names) < 2:
                continue
            group_kinds[gid] = _group_kind(intro, names)
            for n in names:
                members.setdefault(canonical(n), (n, gid))
    known = service_keys | set(members)
    evidence = KindEvidence(u.text for units in all_units.values() for u in units if not u.term_line)

    terms: dict[str, Term] = {}

    alias_keys: dict[str, str] = {}

    vocab = build_vocabulary(texts, rows, nm)

    def term_for(name: str, group: str = "", kind_hint: str = "", general: bool = False) -> Term:
        key = alias_keys.get(canonical(name), canonical(name))
        if key in terms:
            if kind_hint and terms[key].kind != kind_hint:
                terms[key] = replace(terms[key], kind=kind_hint)
            return terms[key]
        display = service_display.get(key, name) if key in service_keys else name
        gid = group or members.get(key, ("", ""))[1]
        kind = _kind_for(display, key, group_kinds.get(gid, "") if gid else "", service_keys, nm)
        if general and kind == "concept":
            # Terms found by the general patterns: the kind the text's own usage suggests.
            kind = vocab.kind(display, key)
        elif gid and not group_kinds.get(gid) and kind == "concept":
            kind = f"group:{gid}"
        kind = evidence.kind(display, kind_hint or kind)
        aliases = tuple(dict.fromkeys(nm.aliases_of(display) + nm.aliases_of(name)))
        terms[key] = Term(name=display, key=key, kind=kind, aliases=aliases, group=gid)
        for a in aliases:
            alias_keys.setdefault(canonical(a), key)
        return terms[key]

    for name, gid in members.values():
        term_for(name, gid)
    for key in sorted(service_keys, key=len):
        term_for(service_display[key])
    known = known | set(alias_keys)
    # Names the text gives a kind ("the X package"): candidates for wrong options of that kind.
    for key, (name, kind) in sorted(vocab.classed.items()):
        if key not in alias_keys:
            term_for(name, kind_hint=kind, general=True)

    # Pass 2: definitional sentences.
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    sentences: list[Sentence] = []
    for doc_id, units in all_units.items():
        chunks = sorted(by_doc[doc_id], key=lambda r: r.start)
        for u in units:
            if not u.term_line:
                sentences.append(Sentence(doc_id, u.text, frozenset(content_tokens(u.text))))
            found: list[tuple[Term, str, str, str | None, str]] = [
                (term_for(t, kind_hint=k), statement, stem, None, "")
                for t, statement, stem, k in (
                    [] if u.term_line else _definitions(u.text, known, u.bullet, nm)
                )
            ]
            if not found:
                # Nothing the course's own naming habits recognise: the general patterns.
                found = [
                    (
                        term_for(d.term, d.group, d.kind_hint, general=True),
                        d.statement,
                        _trim_predicate(d.stem, nm) + "?",
                        d.label,
                        d.claim,
                    )
                    for d in _general(u, vocab, nm)
                ]
            for term, statement, stem, said, claim in found:
                label = said or nm.label(term.kind)
                if term.kind == "command" and not said and not re.search(r"\bcommands?\b", u.text, re.I):
                    label = ""  # "Which command ...?" only when the sentence itself says it is one
                which = "Who" if term.kind == PERSON and not said else _which(label)
                if which == "Who" and stem.startswith("Which term describes"):
                    continue  # a person is no term; nothing in a glossary line says who it is
                stem = stem.replace(WHICH, which).replace(WHICH_MID, "w" + which[1:])
                chunk = _chunk_for(chunks, u.start, u.end)
                if chunk is None:
                    continue
                if not good_stem(stem, nm.generic, subject):
                    # A predicate that says something but needs its topic ("... must not contaminate other
                    # software?"): the section it comes from names the topic.
                    heading = chunk.heading_at(u.start)
                    placed = in_section(stem, heading)
                    if placed is None or len(topical(stem, nm.generic)) < 2:
                        continue
                    if set(content_tokens(term.name)) & set(content_tokens(section_title(heading))):
                        continue  # the title would name the key ("In the section “Logical vectors”, ...")
                    if not good_stem(placed, nm.generic, subject):
                        continue
                    stem = placed
                dedupe = (term.key, " ".join(content_tokens(stem)))
                if dedupe in seen:
                    continue
                seen.add(dedupe)
                facts.append(
                    Fact(
                        term=term,
                        statement=statement,
                        sentence=u.text,
                        stem=stem,
                        doc_id=doc_id,
                        title=chunk.title,
                        heading=chunk.heading_at(u.start),
                        chunk_id=chunk.id,
                        passage=chunk.text,
                        start=chunk.start,
                        end=chunk.end,
                        domain=chunk_domain(chunk) if chunk_domain else "",
                        claim=claim,
                    )
                )
    # Kinds may have been refined while facts were found (e.g. "Object detection algorithm"): re-point facts.
    facts = [f if f.term is terms[f.term.key] else _with_term(f, terms[f.term.key]) for f in facts]
    # Idioms ("case-in-point") name nothing: neither keys nor options.
    dropped = {k for k, t in terms.items() if junk(t.name)}
    terms = {k: t for k, t in terms.items() if k not in dropped}
    facts = [f for f in facts if f.term.key not in dropped]
    bank = FactBank(terms, facts, sentences, nm, evidence)
    bank.common = frozenset(k for k, t in terms.items() if trivial(t.name, common))
    bank.subject_words = subject
    return bank


def _general(u: _Unit, vocab: Vocabulary, nm: Naming) -> list[Definition]:
    if u.term_line:
        sentence = u.text[len(" ".join(u.term_line.split())) :].strip()
        if u.term_line.startswith("#"):
            # A heading, then its first sentence: the heading names the term the sentence describes.
            named = heading_term(u.term_line.lstrip("#").strip())
            d = described(named[0], sentence, "", vocab, heading=True) if named else None
        else:
            d = term_line_definition(u.term_line, sentence, vocab, nm, WHICH)
        return [d] if d else []
    if not u.after_stop and u.text[:1].islower():
        return []  # the rest of a sentence a PDF wrapped across lines
    d = glossary_definition(u.text, WHICH, nm, vocab) if u.opens_line else None
    if d is not None:
        return [replace(d, group=u.group or u.run)]
    found = list(sentence_definitions(u.text, vocab, nm, WHICH))
    if not found and u.after_stop:
        cloze = cloze_definition(u.text, vocab, nm)
        found = [cloze] if cloze else []
    return found


def _with_term(f: Fact, term: Term) -> Fact:
    return replace(f, term=term)


def _termish_member(name: str) -> bool:
    words = _words(name)
    return 1 <= len(words) <= 7 and name[:1].isupper() and words[0].lower() not in NOT_TERM_START


def _chunk_for(chunks: list[StoredChunk], start: int, end: int) -> StoredChunk | None:
    """The chunk that holds the whole sentence, preferring the one where it sits most centrally."""
    best: StoredChunk | None = None
    best_margin = -1
    for c in chunks:
        if c.start <= start and end <= c.end:
            margin = min(start - c.start, c.end - end)
            if margin > best_margin:
                best, best_margin = c, margin
    return best


def good_stem(
    stem: str, generic: frozenset[str] = PLAIN.generic, subject: frozenset[str] = frozenset()
) -> bool:
    """A question a learner can answer without context: long enough, with at least three topical words, two of
    them besides ``subject`` (the words of the course's own subject, which every question is "about")."""
    if leans_on_context(stem):
        return False  # "Use X instead": instead of what the sentence before said
    stem = without_leaning(stem)  # what the learner reads (``RuleGenerator`` drops them too)
    n = len(_words(stem))
    if n < 5 or n > 45:
        return False
    if re.search(r"\b(?:another|above|previously)\b", stem) or dangling(stem) or points_elsewhere(stem):
        return False  # refers to context the learner does not see ("In this example", "see Figure 2")
    if SIMILE.match(stem):
        return False  # "Which term is like a well-stocked kitchen?" names a picture, not what the term does
    if any(garbled(q) for q in re.findall(r"“([^”]+)”", stem)):
        return False  # a quoted "description" that is a table row's scraps
    # "Which of the following is considered obsolete (already)?", "Which term must not be specific to <the
    # course's subject>?": too little to tell the key from the options without the sentence around it.
    informative = topical(stem, generic)
    return len(informative) >= 3 and len(informative - subject) >= 2


def topical(stem: str, generic: frozenset[str] = PLAIN.generic) -> set[str]:
    """The stem's words that can tell one key from another: not generic, auxiliary, modal or leaning."""
    return {t for t in content_tokens(stem) if t not in generic and t not in UNSPECIFIC}


def _definitions(
    sentence: str, known: set[str], bullet: bool, nm: Naming
) -> Iterable[tuple[str, str, str, str]]:
    """(term as written, statement, question stem, kind hint) for each pattern the sentence matches."""
    s = sentence.strip()
    m = _COLON.match(s)
    if m:
        term_text = m.group(1).strip()
        if _termish(term_text, known, nm):
            got = _predicate_stem(term_text, m.group(2), bullet, nm)
            if got:
                yield got[0], got[1], got[2], _head_kind(got[2])
        return
    subject = _subject(s, known, nm)
    if subject:
        pre, term_text = subject
        body = s[len(pre) :].lstrip(", ") if pre else s
        stem = _stem_from_statement(body, term_text, nm)
        if stem:
            if pre:
                stem = f"{pre}, {stem.replace(WHICH, WHICH_MID, 1) if stem.startswith(WHICH) else 'w' + stem[1:]}"
            yield term_text, s, stem, _head_kind(stem)
    if nm.named is None or nm.prefix_alt is None:
        return
    # "You can use <Prefix> X to ..." and "..., <Prefix> X, a/an description": only prefixed names are sure
    # to be the thing used or described.
    u = re.match(
        rf"^(?P<pre>(?:[^.]*?,\s+)?)(?:[Yy]ou can (?:also )?use|Use) (?P<term>(?:{nm.prefix_alt}) [^,]+?) to (?P<rest>.+)$",
        s,
    )
    if u:
        term_match = nm.named.match(u.group("term"))
        if term_match and term_match.group(0) == u.group("term").strip():
            pre = u.group("pre")
            which = WHICH_MID if pre else WHICH
            stem = f"{pre}{which} can you use to {u.group('rest')}"
            yield term_match.group(0), s, _trim_predicate(stem, nm) + "?", ""
    appos = rf"(?P<term>(?:{nm.prefix_alt})(?: (?:for )?[A-Z0-9][A-Za-z0-9-]*)+), (?P<art>an?) (?P<desc>[^.]+?)(?:\.|$)"
    for a in re.finditer(appos, s):
        desc = a.group("desc")
        if len(_words(desc)) >= 2 and not s.startswith(a.group("term")):
            stem = _trim_predicate(f"{WHICH} is {a.group('art')} {desc}", nm) + "?"
            yield a.group("term"), f"{a.group('term')} is {a.group('art')} {desc}.", stem, ""


def _head_kind(stem: str) -> str:
    """ "Which forecasting algorithm ..." names the kind itself; the term takes it."""
    m = re.match(r"^(?:[^,]*, )?[Ww]hich (\w+ )?(algorithm|layer)\b", stem)
    return m.group(2) if m and m.group(1) else ""


def _subject(s: str, known: set[str], nm: Naming) -> tuple[str, str] | None:
    """(introductory phrase, subject term) when the sentence opens with a named term and a verb."""
    words = _words(s)
    for i in range(1, min(len(words), 16)):
        w = words[i].lower().strip(",")
        if not (w in VERBS or (w in ADVERBS and i + 1 < len(words) and words[i + 1].lower() in VERBS)):
            continue
        if words[i][:1].isupper():
            continue  # "Long Term Support is ...": a capitalised word belongs to the name, it is no verb
        np_text = " ".join(words[:i]).rstrip(",")
        if not _agrees(np_text.rsplit(", ", 1)[-1], words[i + 1] if w in ADVERBS else w):
            return None  # a singular name before a plural verb form: the "verb" is a noun ("native support")
        pre = ""
        if ", " in np_text:
            # "Behind the scenes, the platform orchestrates ..." -> keep the opener, ask about the platform.
            pre, np_text = np_text.rsplit(", ", 1)
            if "(" in pre and ")" not in pre:
                return None
        if len(_words(np_text)) > 8:
            return None
        core = np_text[4:] if np_text.startswith("The ") else np_text
        term_text = _known_prefix(core, known, nm) or (core if _termish(core, known, nm) else "")
        if not term_text:
            return None
        # "The X ..." is a named subject only for prefixed names, algorithms, layers or already-known terms.
        named = (
            (nm.named is not None and nm.named.match(core))
            or core.split()[-1] in ("algorithm", "layer")
            or nm.canonical(term_text) in known
        )
        if np_text.startswith("The ") and not named:
            return None
        return pre, term_text
    return None


def _agrees(subject: str, verb: str) -> bool:
    """Can ``verb`` be the verb of ``subject``? A plain form ("support", "are") needs a plural or compound one."""
    v = verb.lower().strip(",")
    if v.endswith("s") or v not in VERBS:
        return True  # "provides", "is": any subject
    words = subject.split()
    last = words[-1] if words else ""
    return " and " in subject or (last.endswith("s") and not last.endswith(("ss", "us", "is")))


def _known_prefix(np_text: str, known: set[str], nm: Naming) -> str:
    """The longest known term the noun phrase starts with ("Scalability" in "Scalability in ML Services")."""
    words = _words(np_text)
    for j in range(len(words), 0, -1):
        cand = " ".join(words[:j]).rstrip(",")
        if nm.canonical(cand) in known and cand[:1].isupper():
            return cand
    return ""
