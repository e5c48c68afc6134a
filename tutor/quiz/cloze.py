"""Facts made on demand from one passage's own sentences: a term of the material the sentence names, asked for.

"Ada Byron led the project from April 2010 until April 2013." has no definition in it, but when "Ada Byron"
is a term of the course it becomes "Which of the following led the project from April 2010 until April
2013?" with that name as the key and the sentence, verbatim, as the evidence: the sentence entails the
question by construction, as it does for a mined definition. Check-yourself under an answer uses these
when the passages the answer cited hold no mined fact, starting with the sentences that back the answer, so
the item cites a passage the answer showed. The facts go through the same generator (distractors are other
terms of the same kind) and the same validity gate as mined ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

from ingest.models import ChunkRef
from ingest.text import content_tokens, split_sentences
from ingest.words import EVERYDAY_WORDS, STOPWORDS
from tutor.quiz.facts import FactBank, good_stem
from tutor.quiz.mining import CLASS_NOUNS, ENDS_SENTENCE, PRONOUNS, SLOT, context_free
from tutor.quiz.models import Fact, Term

# A term the course names in more than this share of its sentences (its own subject, or an everyday word such
# as "command") asks nothing a learner of the course would need to recall.
COMMON_SHARE = 0.03
MIN_CHARS = 30
_ASIDE = re.compile(r"\s*\([^()]*\)")
_ARTICLE = re.compile(r"(?:^|(?<=\s))(?:[Tt]he|[Aa]n?) $")
_CLASS_NOUN = re.compile(r"^ (?P<noun>" + "|".join(sorted(CLASS_NOUNS, key=len, reverse=True)) + r")\b")
# Not a prose sentence of its own: a list item, a heading, code or a prompt line, a question, a footnote mark.
_NOT_PROSE = re.compile(r"^(?:[-*•#>$%|]|\d+[.)]\s)|[?`{}<>=]|\$\w|\[\d+\]|\s[.:]\s")
# Someone or something named in an earlier sentence, unless a name comes first in this one.
_BACK_REFERENCE = re.compile(r"\b(?:he|she|him|his|her|they|them)\b", re.IGNORECASE)
_WHICH = re.compile(r"\bwhich\b", re.IGNORECASE)
# A lead-in that belongs to the paragraph, not to the claim: "For example, ...", "As a side note, ...", "Note: ...".
_LEAD_IN = re.compile(
    r"^(?:(?:For (?:example|instance)|As a side note|In (?:fact|practice|addition)|Fortunately|Unfortunately|"
    r"However|Similarly|Conversely|Thus|Also|Of course|Note that),? |[A-Z][a-z]+: (?=[A-Z]))"
)
# Names the course uses that its term lists may lack: "Ada Byron", "read_csv()", "X-Window", "GPT2", "McKay".
_NAME = re.compile(
    r"(?<![\w.$-])(?:[A-Z][a-z]+(?: (?:[A-Z][a-z]+|de|van|von))* [A-Z][a-z]+(?![\w-])|[A-Za-z_][\w.]*\(\)|"
    r"[A-Za-z]*(?:[a-z][A-Z]|[A-Z]-[A-Z]|[A-Za-z]\d)[\w+-]*(?![\w-]))"
)
_DOCUMENT = re.compile(r"\b(?:chapter|section|figure|table|appendix|sidebar|exercise)s?\b", re.IGNORECASE)
_DETERMINER = re.compile(
    r"\b(?:same|other|each|every|any|some|its|their|our|your|his|her|this|these|those|my) $",
    re.IGNORECASE,
)
# Kinds too broad for wrong options to be of the same kind as the key in any sense a learner would recognise.
GENERIC_KINDS = frozenset({"concept", "acronym"})


def sentence_facts(bank: FactBank, passage: ChunkRef, first: str = "", asked: str = "") -> list[Fact]:
    """Facts from ``passage``'s sentences, cited as ``passage``: the sentences ``first`` overlaps (an answer's
    support for this passage) first, then the rest in reading order; within a sentence, terms ``asked`` about
    first, then the rarer ones."""
    want = bank.informative(asked)
    out: list[Fact] = []
    for start, end in _ordered(passage.text, first):
        sentence = " ".join(passage.text[start:end].split())
        options = list(_facts_of(bank, passage, sentence, start))
        options.sort(key=lambda f: (-len(bank.informative(f.term.name) & want), _share(bank, f.term)))
        out += options
    return out


def _ordered(text: str, first: str) -> list[tuple[int, int]]:
    spans = split_sentences(text)
    key = " ".join(first.split())
    if not key:
        return spans
    at = re.search(r"\s+".join(map(re.escape, key.split())), text)
    if at is None:
        return spans
    lead = [(s, e) for s, e in spans if s < at.end() and at.start() < e]
    return lead + [sp for sp in spans if sp not in lead]


def _share(bank: FactBank, term: Term) -> float:
    return len(bank.sentences_about(term)) / max(len(bank.sentences), 1)


def _facts_of(bank: FactBank, passage: ChunkRef, sentence: str, offset: int) -> Iterable[Fact]:
    if len(sentence) < MIN_CHARS or not ENDS_SENTENCE.search(sentence) or not sentence.endswith("."):
        return
    back = _BACK_REFERENCE.search(sentence)
    if back and not re.search(r"(?<=\s)[A-Z]\w", sentence[: back.start()]):
        return  # "Due to his positions, he ...": who is meant was named before this sentence
    if _NOT_PROSE.search(sentence) or not context_free(sentence) or sentence.count('"') % 2:
        return
    if _DOCUMENT.search(sentence):
        return  # "this chapter covered ...": about the document, not the subject
    if sentence[:1].islower() and bank.lookup(sentence.split()[0].rstrip(",:;")) is None:
        return  # the rest of a sentence cut in two ("u, v or w in position 1, ..."), unless a name opens it
    if sentence.split()[0].lower() in PRONOUNS:
        return  # "It ...", "They ...": who is meant is in the sentence before
    text = _ASIDE.sub("", sentence)  # an aside ("(see section 5.2)") is no part of the question
    lead = _LEAD_IN.match(text)
    if lead:
        text = text[lead.end() :]
        if bank.lookup(text.split()[0]) is None:  # "acme-tools installs ..." keeps its name's case
            text = text[:1].upper() + text[1:]
    found = [(m, t) for t in bank.terms.values() for m in [*bank.pattern(t).finditer(text)][:2]]
    found += [(m, t) for m, t in _names(bank, text) if not any(_overlap(m, o) for o, _ in found)]
    for m, term in found:
        if not re.search(r"[^\W_]{2}", m.group(0)):
            continue  # a symbol ("-", "*") is no answer to recall from a sentence
        if sum(t.key == term.key for _, t in found) > 1 or _share(bank, term) > COMMON_SHARE:
            continue  # named twice, the question would give it away; named everywhere, it asks nothing
        if any(o is not m and o.start() <= m.start() and m.end() <= o.end() for o, _ in found):
            continue  # part of a longer name the sentence uses ("Acme" in "Acme developers")
        if re.match(r" (?:of |de |van |von )?[A-Z0-9]\w*", text[m.end() :]) or re.search(
            r"\S [A-Z]\w*[a-z] $", text[: m.start()]
        ):
            continue  # part of a name the material has no term for ("Ada" in "Ada Byron")
        bare = bank.naming.bare(m.group(0)).lower()
        if bare and bare in (text[: m.start()] + " " + text[m.end() :]).lower():
            continue  # the name again, without its prefix or inside another word: a giveaway
        if _WHICH.search(text[: m.start()]):
            continue  # the question's "which" must come first: the gate reads the claim back from the first one
        if re.search(r"['’]s $", text[: m.start()]):
            continue  # "the project's which term?" asks nothing a learner can parse
        if text[m.start() - 1 : m.start()] in (".", "/", "@") or re.match(r"[./@]\w", text[m.end() :]):
            continue  # part of a file name, path or address (".deb", "debian-boot@lists")
        if re.fullmatch(r"[a-z]+", m.group(0)) and not _marked(text[: m.start()], text[m.end() :]):
            continue  # a plain word ("local", "case") may be meant as the word, not as the course's term
        stem = _stem(bank, term, text, m)
        if stem is None or not good_stem(stem, bank.naming.generic, bank.subject_words):
            continue
        yield _sentence_fact(term, stem, text, sentence, passage, offset, m)


def _overlap(a: re.Match[str], b: re.Match[str]) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def _names(bank: FactBank, text: str) -> Iterable[tuple[re.Match[str], Term]]:
    """Names in ``text`` that are no term of the bank but recur in the material (said in two sentences or more)."""
    for m in _NAME.finditer(text):
        name = m.group(0)
        words = name.split()
        if m.start() == 0 and len(words) > 1 and not content_tokens(words[0]):
            continue  # "When Ian Murdock ...": the capital is the sentence's, the name comes after
        if bank.lookup(name) is not None or not bank.informative(name):
            continue
        said = re.compile(r"(?<![\w.$-])" + re.escape(name) + r"(?![\w-])")
        if sum(said.search(s.text) is not None for s in bank.sentences) < 2:
            continue
        kind = "name" if " " in name else "command" if name.endswith("()") else "concept"
        yield m, Term(name=name, key=bank.canonical(name), kind=kind)


def item_types(bank: FactBank, fact: Fact, kinds: Sequence[str]) -> tuple[str, ...]:
    """The item types a sentence fact makes well, best first: multiple choice when its term is a term of the
    material of a recognisable kind (so the wrong options are things of that kind), and a short answer. No true/false: the
    term is not what the sentence is about, and a statement with another term swapped into it reads as noise
    rather than as a plausible mistake."""
    if bank.lookup(fact.term.name) is None or fact.term.kind in GENERIC_KINDS:
        return tuple(k for k in kinds if k == "short")
    return tuple(
        k for k in ("mcq", "short") if k in kinds
    )  # "which of the following" reads best with options


def _stem(bank: FactBank, term: Term, text: str, m: re.Match[str]) -> str | None:
    """The sentence with the term asked for: "... of the acme-tools package." -> "... of which package?"."""
    before, after = text[: m.start()], text[m.end() :]
    noun = _CLASS_NOUN.match(after)
    if noun:  # the sentence says what kind of thing it is
        label, after = noun.group("noun"), after[noun.end() :]
    elif _ARTICLE.search(before) and _modifier(after):
        return None  # "the acme engineer" -> "which term engineer": the name only qualifies the noun after it
    else:
        label = bank.label(term)
    before = _ARTICLE.sub("", before)
    if _DETERMINER.search(before):
        return None  # "the same which term", "other which term": the determiner needs the name
    which = f"which {label}" if label else "which of the following"
    stem = f"{before}{which}{after}".strip()
    if not stem.endswith("."):
        return None
    stem = stem[:-1].rstrip(" ,;:") + "?"
    return "W" + stem[1:] if stem.startswith("which ") else stem


def _marked(before: str, after: str) -> bool:
    """Does the sentence use a plain word as a name: as its subject ("A field is ..."), or with the kind of
    thing it is ("the local command")?"""
    return (
        re.fullmatch(r"(?:(?:[Tt]he|[Aa]n?) )?", before) is not None or _CLASS_NOUN.match(after) is not None
    )


def _modifier(after: str) -> bool:
    """Does a plain noun follow the name (a lower-case content word that reads as no verb or adverb)?"""
    m = re.match(r" ([a-z]+)\b(?P<end>[,.;:])?", after)
    if m is None or not content_tokens(m.group(1)):
        return False
    return m.group("end") is not None or not m.group(1).endswith(
        ("s", "ed", "ly")
    )  # "the X movies." / "X lets"


def passage_facts(bank: FactBank, passages: Sequence[ChunkRef], asked: str = "") -> list[Fact]:
    """``sentence_facts`` of each passage in turn, each led by its support sentence when it is a citation."""
    out: list[Fact] = []
    for p in passages:
        out += sentence_facts(bank, p, str(getattr(p, "support", "") or ""), asked)
    return out


# Words a blank never asks for alone: grammar, and prepositions the stopword list keeps.
_GRAMMAR = STOPWORDS | frozenset(
    [
        "within",
        "without",
        "regarding",
        "across",
        "between",
        "through",
        "upon",
        "onto",
        "via",
        "per",
        "among",
        "along",
        "around",
        "about",
        "against",
        "during",
        "until",
        "since",
        "after",
        "before",
        "under",
        "over",
        "into",
        "from",
        "also",
        "either",
        "neither",
        "whether",
    ]
)
# The blank a fill-in-the-blank stem leaves where its key was (no word characters: it adds nothing to coverage).
BLANK = "_____"
MIN_BLANK_WORDS = 5
# A blank stem's key, by how well it reads as the thing to recall: a term or name, code, a figure, a phrase.
_CODE_KEY = re.compile(
    r"(?<![\w$.@/-])(?:[A-Za-z_][\w.]*\(\)|--?[a-z][\w-]*[a-z]|\$\{[^\s{}]+\}|\$[A-Za-z_]\w*|"
    r"/(?:[\w.-]+/)*[\w.-]*[a-z][\w-]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)(?![\w-])"
)
_FIGURE_KEY = re.compile(r"(?<![\w.,$/%+-])\d+(?:\.\d+)?%?(?![\w%/+]|[.,]\d|-\w| [A-Z][a-z])")
_WORD_KEY = re.compile(r"(?<![\w'’.$/@-])[A-Za-z][a-z]+(?:-[A-Za-z]+)*(?![\w'’@/]|-\w|\.\w)")
# Not prose: a code or prompt line, a comment, a footnote or list line, an assignment.
_CODE_LINE = re.compile(r"^[#$>%|{}<]|\s(?:<-|=|==)\s")
_BULLET_MARK = re.compile(r"^(?:[-*•]|\[\d+\])\s+")
# A comment in a code block that is a sentence of prose ("#  Arrays in Bash have zero-based indexing.").
_COMMENT_MARK = re.compile(r"^#+\s+(?=[A-Z][a-z]+ [a-z])")
# An aside after a space ("(see 5.2)"), not a call's parentheses ("c()", "f(x)").
_SPACED_ASIDE = re.compile(r"\s+\([^()]+\)")
_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|can|could|will|would|may|might|must|should|does|do)\b"
)
# "It should be noted that X ...": the claim is X.
_NOTED = re.compile(
    r"^It (?:should be noted|is (?:particularly |also )?(?:worth noting|important to note)) that "
)
_PRONOUN_OPENER = re.compile(r"^(?:It|They|This|These|That|Those|He|She|Its|Their|His|Her)\b")
# Context words a blank stem cannot lean on ("such as" introduces examples, it does not point back).
_CONTEXT = re.compile(
    r"\b(?:following|above|below|previous|previously|this|these|former|latter|later|earlier)\b|\bsuch\b(?! as)"
    r"|\bthe (?:two|three|both)\b|\bas (?:\w+ )?(?:mentioned|noted|explained|described|seen)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=8)
def _said(bank: FactBank) -> Counter[str]:
    """In how many of the course's sentences each lower-cased word and word pair occurs."""
    counts: Counter[str] = Counter()
    for s in bank.sentences:
        words = re.findall(r"[\w'’.$/@-]*\w", s.text.lower())
        counts.update(set(words) | {f"{a} {b}" for a, b in pairwise(words)})
    return counts


def blank_facts(bank: FactBank, passage: ChunkRef, first: str = "", asked: str = "") -> list[Fact]:
    """Fill-in-the-blank facts from ``passage``'s own sentences, for when no "which" question reads well: the
    sentence with one phrase blanked is the stem, that phrase (once in it, no course-wide word) the key, to be
    typed as a short answer. The support sentence (``first``) comes first; within a sentence what the question
    ``asked`` did not already say comes first (the answer's news), then names, code, figures, then phrases."""
    out: list[Fact] = []
    for start, end in _ordered(passage.text, first):
        sentence = " ".join(passage.text[start:end].split())
        out += _blanks_of(bank, passage, sentence, start, asked)
    return out


def _blank_text(bank: FactBank, sentence: str) -> str | None:
    """The sentence as a blank stem reads it (a footnote mark, an aside, a lead-in dropped), or None when it is
    no stand-alone prose statement."""
    text = _BULLET_MARK.sub("", _COMMENT_MARK.sub("", sentence))
    if _NOTED.match(text):
        text = _NOTED.sub("", text)
        text = text[:1].upper() + text[1:] if re.match(r"[a-z]+ ", text) else text
    if _CODE_LINE.search(text) or "?" in text or text.count('"') % 2 or text.count("“") != text.count("”"):
        return None
    text = _SPACED_ASIDE.sub("", text).strip()
    lead = _LEAD_IN.match(text)
    if lead:
        text = text[lead.end() :]
        if text[:1].islower() and bank.lookup(text.split()[0]) is None and not _CODE_KEY.match(text):
            text = text[:1].upper() + text[1:]
    words = text.split()
    if len(words) < MIN_BLANK_WORDS or not re.match(r"[A-Z\w$/.-]", text) or text[:1].islower():
        return None  # a fragment, or the rest of a sentence cut in two
    if _PRONOUN_OPENER.match(text) or _CONTEXT.search(text) or _DOCUMENT.search(text):
        return None  # who or what is meant, or where to look, is outside the sentence
    if re.search(r"\b(?:it|its)\b", " ".join(words[:4]), re.IGNORECASE):
        return None  # "If it is a named list, ...": what "it" is came before
    if _COMMENT_MARK.match(sentence) and not _AUXILIARY.search(text):
        return None  # a code comment that is a label ("Length of first element of array."), not a statement
    back = _BACK_REFERENCE.search(text)
    if (
        back
        and len(text[: back.start()].split()) < 4
        and not re.search(r"(?<=\s)[A-Z]\w", text[: back.start()])
    ):
        return (
            None  # "Due to his positions, ...": who is meant came before (later, the sentence has named it)
        )
    if sum(bool(re.search(r"[{}\[\]<>=;|]", w)) for w in words) * 4 > len(words):
        return None  # more code than prose
    if sum(re.fullmatch(r"[a-z][a-z-]+[a-z]", w) is not None and w not in STOPWORDS for w in words) < 2:
        return None  # a heading or a title line ("Process Model: X on the Y Stack")
    if not re.search(r"[.!]$", text):
        if not (_BULLET_MARK.match(sentence) and re.search(r"[\w)]$", text)):
            return None  # a heading or a line cut off; a list item may end without a stop
        text += "."
    return text


def _blank_keys(bank: FactBank, text: str, asked: set[str]) -> list[tuple[int, re.Match[str], str]]:
    """(rank, match, canonical key) of the phrases of ``text`` a blank could ask for, best first."""
    said = _said(bank)
    found: list[tuple[int, int, float, re.Match[str], str]] = []
    taken: list[re.Match[str]] = []

    def add(rank: int, m: re.Match[str]) -> None:
        phrase = m.group(0)
        low = phrase.lower()
        if any(_overlap(m, o) for o in taken) or low.count(" ") > 3 or low.startswith("the "):
            return
        if text[m.start() - 1 : m.start()] in (".", "/", "@") or re.match(r"[./@]\w", text[m.end() :]):
            return  # part of a file name, path or address
        if len(re.findall(r"(?<![\w-])" + re.escape(low) + r"(?![\w-])", text.lower())) != 1:
            return  # named twice, the blank would be filled in by the sentence itself
        tokens = bank.informative(phrase)
        if rank >= 2 and not tokens and not phrase[:1].isdigit():
            return
        term = bank.lookup(phrase)
        if term is not None and (term.key in bank.common or _share(bank, term) > COMMON_SHARE):
            return  # the course's own subject: the obvious guess
        n = max(len(bank.sentences), 1)
        share = said[low] / n
        if share > COMMON_SHARE or all(
            said[w] / n > COMMON_SHARE for w in re.findall(r"[a-z]\w+", low) or [low]
        ):
            return  # a name or word the whole course uses asks nothing
        if rank >= 3 and any(t in bank.naming.generic for t in content_tokens(phrase)):
            return
        taken.append(m)
        news = 1 if tokens and tokens <= asked else 0
        found.append((news, rank, share, m, bank.canonical(phrase) or low))

    names = [(m, t) for t in bank.terms.values() for m in [*bank.pattern(t).finditer(text)][:1]]
    names += list(_names(bank, text))
    for m, _ in sorted(names, key=lambda x: -(x[0].end() - x[0].start())):
        plain = re.fullmatch(r"[a-z]+", m.group(0)) and not _marked(text[: m.start()], text[m.end() :])
        if (
            re.search(r"[^\W_]{2}", m.group(0))
            and not plain
            and not (m.start() == 0 and " " not in m.group(0))
        ):
            add(0, m)  # a plain word the course also uses as a name is judged as a word, below
    for m in _CODE_KEY.finditer(text):
        add(1, m)
    for m in _FIGURE_KEY.finditer(text):
        add(2, m)
    words = [m for m in _WORD_KEY.finditer(text) if m.group(0).lower() not in _GRAMMAR]
    for a, b in pairwise(words):
        pair = text[a.start() : b.end()]
        at = re.compile(re.escape(pair)).match(text, a.start())
        if (
            at is not None
            and text[a.end() : b.start()] == " "
            and said[pair.lower()] >= 2
            and _noun(said, a, 3, verbal=True)
            and _noun(said, b, verbal=True, article=False)
            and _head(said, text, b)
        ):
            add(3, at)  # a phrase the course uses more than once ("outer product")
    for m in words:
        if m.start() > 0 and said[m.group(0).lower()] >= 2 and _noun(said, m, 5) and _head(said, text, m):
            add(4, m)
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    return [(rank, m, key) for _, rank, _, m, key in found]


def _noun(
    said: Counter[str], m: re.Match[str], shortest: int = 4, verbal: bool = False, article: bool = True
) -> bool:
    """Does the course write the word after an article ("the archive", "an array"), as a thing, not an act, and
    is it no everyday word? Inside a phrase the course repeats, a verbal form may qualify (``verbal``: "word
    splitting", "trailing newlines") and the head needs no article of its own (``article``)."""
    w = m.group(0).lower()
    if len(w) < shortest or w in EVERYDAY_WORDS or re.search(r"ly$|ed$" if verbal else r"ly$|ing$|ed$", w):
        return False
    return not article or said[f"the {w}"] + said[f"a {w}"] + said[f"an {w}"] > 0


def _head(said: Counter[str], text: str, m: re.Match[str]) -> bool:
    """Is the word the head of its phrase here, not a modifier of a noun after it ("any _____ assignments")?"""
    after = re.match(r" ([A-Za-z][\w-]*)", text[m.end() :])
    if after is None or after.group(1).lower() in _GRAMMAR:
        return True
    w = after.group(1).lower()
    return said[f"the {w}"] + said[f"a {w}"] + said[f"an {w}"] == 0  # a verb follows, not a noun


def _blanks_of(bank: FactBank, passage: ChunkRef, sentence: str, offset: int, asked: str) -> list[Fact]:
    text = _blank_text(bank, sentence)
    if text is None:
        return []
    out: list[Fact] = []
    for _rank, m, key in _blank_keys(bank, text, bank.informative(asked))[:3]:
        stem = f"{text[: m.start()]}{BLANK}{text[m.end() :]}"
        if not good_stem(stem, bank.naming.generic, bank.subject_words):
            continue
        # Only a name asked for as a name gets options of its kind; a word or figure is typed.
        term = (bank.lookup(m.group(0)) if _rank == 0 else None) or Term(
            name=m.group(0), key=key, kind="blank"
        )
        out.append(_sentence_fact(term, stem, text, sentence, passage, offset, m))
    return out


def passage_blanks(bank: FactBank, passages: Sequence[ChunkRef], asked: str = "") -> list[Fact]:
    """``blank_facts`` of each passage in turn, each led by its support sentence when it is a citation."""
    out: list[Fact] = []
    for p in passages:
        out += blank_facts(bank, p, str(getattr(p, "support", "") or ""), asked)
    return out


def _sentence_fact(
    term: Term, stem: str, text: str, sentence: str, passage: ChunkRef, offset: int, m: re.Match[str]
) -> Fact:
    """A fact asked from one sentence of a cited passage, the term at ``m`` being what is asked."""
    return Fact(
        term=term,
        statement=text,
        sentence=sentence,
        stem=stem,
        doc_id=passage.doc_id,
        title=passage.title,
        heading=passage.heading_at(passage.start + offset),
        chunk_id=str(getattr(passage, "chunk_id", "") or getattr(passage, "id", "")),
        passage=passage.text,
        start=passage.start,
        end=passage.end,
        claim=f"{text[: m.start()]}{SLOT}{text[m.end() :]}",
    )
