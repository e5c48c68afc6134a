"""General quiz material from any text: the terms a course uses and the sentences that define them.

Nothing here knows a course. The vocabulary comes from the documents themselves:

- code terms: names in backticks, the first word of a code line (fenced, or after a shell/REPL prompt),
  ``name()`` calls in prose, and "the X command" phrases;
- heading terms: the last part of a heading path when it is a short name ("Here Documents", "cron");
- recurring names: capitalised phrases the text uses mid-sentence more than once ("Bruce Perens").

Definitions recognised (each gives the term, the statement and a "Which ...?" stem built from the sentence
itself, so the sentence entails the question by construction):

- ``X is/are/was a|an|the ...``                  -> "Which term is a ...?"
- ``X refers to / means / stands for / is used to ...``
- ``X <verb>s ...`` for code terms, heading terms and recurring names ("dpkg installs ...", "X led ...")
- ``Term: definition`` / ``Term - definition``  (glossary lines)  -> "Which term describes “...”?"
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ingest.models import StoredChunk
from ingest.text import REFERENCE
from ingest.words import CONNECTORS, wordset
from tutor.quiz.naming import Naming

FENCE = re.compile(r"^\s*(```|~~~)")
# A shell or REPL prompt at the start of a code line: "$ apt update", "# dpkg -i", "> x <- c(1)", "bash$ ls".
PROMPT = re.compile(r"^\s*(?:[$#>%]|[\w.-]+[$#]|\w+@[\w.-]+:\S*[$#])\s+(?=\S)")
IDENT = re.compile(r"[A-Za-z_][\w.+-]*")
CODE_SPAN = re.compile(r"`([^`\n]{1,40})`")
CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\(\)")
HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:chapter|appendix|section|part)\s+[\w.]+\.?\s*|[A-Z]?\d+(?:\.\d+)*\.?\s+|[A-Z]\.\d+(?:\.\d+)*\.?\s+)",
    re.IGNORECASE,
)
CAPITALISED = re.compile(r"(?<=[a-z,;] )([A-Z][\w+.-]*[\w+](?: (?:[A-Z][\w+.-]*[\w+]|of|de|von|van))*)")
WORD = re.compile(r"[a-z][a-z-]*[a-z]")
DETERMINED = re.compile(
    r"\b(?:the|a|an|these|those|many|some|all|other|several|its|their|our|your) ([a-z]+)\b"
)

# Nouns that need context to mean anything ("The result is ...", "The former is ...").
CONTEXT_NOUNS = wordset(
    """result results former latter first second third last next rest case reason idea aim goal purpose problem
    difference advantage disadvantage benefit drawback point question answer solution effect consequence outcome
    example examples alternative exception only same main trick catch situation remedy fix thing things way ways
    following above below one other others best most remainder majority total part parts section chapter step
    steps"""
)
# Words that cannot start or end a term, and labels that are not terms ("Note: ...", "Usage: ...").
NOT_TERM = wordset(
    """a an the this these that those it its they them their there here what which who whom whose when where why
    how if as for from in on at by with to of and or but not no nor so yet also all any each every both many most
    some such other another one two three you your we our he she his her i my note notes tip tips caution warning
    important definition example examples exercise usage see hint remark source binary sources package packages
    depends version section priority architecture maintainer homepage description installed size filename
    however although though because since while unless until then thus hence therefore again now today
    yes only just even still more less much very too quite rather first second third last next finally similar
    same different unlike like error errors warning warnings"""
)
# Verbs that state what a named thing does ("X provides ...", "X led ..."); any other "-s" verb is accepted
# too when the subject is a name the course uses.
ACTION_VERBS = wordset(
    """provides allows lets enables supports handles manages creates removes deletes installs displays prints
    returns reads writes stores contains converts executes performs compares defines specifies determines
    describes generates produces computes calculates gives takes accepts sends receives keeps replaces compiles
    extracts selects opens closes loads saves evaluates expands assigns declares invokes redirects terminates
    indicates identifies implements offers collects maintains configures applies estimates
    founded led created wrote released introduced developed designed proposed announced began became joined
    hosted built named adopted published organized organised launched established coordinated ran served funded
    sponsored"""
)
# A word after a plural noun that shows it was no verb ("Debian packages are ...", "users who ...").
NOT_AFTER_VERB = wordset(
    """are were have had can could will would shall should must may might do did does is was be been who which
    that whose and or of in on to for from with by at as"""
)
# A sentence adverb ("Technically R is ...", "Usually the ..."), never the start of a name.
ADVERB = re.compile(r"[A-Za-z]{2,}(?:ally|ously|ively|ently|antly)")
_PREPOSITIONS = wordset("in by to from with at on for into within under")
PARTICIPLES = wordset(
    "led ran built made written known given taken held kept found meant sent set put shown seen"
)
FINITE = wordset(
    "is are was were be been has have had can could will would shall should must may might do does did"
)
ADVERBS = wordset(
    "usually also often always automatically generally typically only then now still simply just"
)
PRONOUNS = wordset("it its they them their this these he she his her")
# "A few ...", "A number of ...": quantities, not terms.
QUANTITIES = wordset(
    "few lot number couple little bit great good variety range set series kind sort type way certain"
)
# "The X command", "the function X()": the noun says what kind of thing X is. Code kinds share one pool.
CLASS_NOUNS = {
    **dict.fromkeys(("command", "function", "builtin", "program", "utility", "daemon", "tool"), "command"),
    **{
        n: n
        for n in (
            "option",
            "package",
            "file",
            "directory",
            "variable",
            "operator",
            "construct",
            "keyword",
            "list",
            "field",
            "parameter",
            "argument",
            "module",
            "library",
            "method",
            "attribute",
            "format",
            "protocol",
        )
    },
}
DEFINING = re.compile(
    r"^(?P<verb>(?:is|are|was|were) (?:[a-z]+ly |also |simply |just |nothing more than |in fact )?"
    r"(?:(?:a|an|the|one of the) )|refers? to |means |stands? for |denotes |"
    r"(?:is|are) used (?:to|for) |(?:is|are) responsible for )"
)
# What a named subject can do besides being defined: "X can be instructed to ...", "X was founded to ...".
MODAL = re.compile(
    r"^(?:can|cannot|may|must|will|should|does|did|has|have|had) \S|"
    r"^(?:is|are|was|were) (?:(?:also|often|usually|always|never|not|only|first|then) )?"
    r"(?:[a-z]+ed|built|made|written|known|given|taken|held|run|kept|found|meant|led|sent|set|put|shown|seen) "
)
# A short opening phrase the question may keep: "In the simplest case, a script is ...".
OPENER = re.compile(
    r"^(?!For (?:example|instance)|As an example)"
    r"(?P<pre>(?:In|For|On|At|With|By|Under|Since|After|Before|During|From|Unlike|Like|As|Within|Without|Of)"
    r"(?: [^,]+){1,6}), (?P<body>.+)$"
)
# Stems are built before the term's final kind is known: "Which <kind>" is filled in afterwards, upper case
# at the start of the question and lower case after an opening phrase.
WHICH = "\x00"
WHICH_MID = "\x01"
# "X is the case", "X is the same": not a definition.
WEAK_OBJECTS = wordset(
    """case same reason result problem first second third last next following only best most main default
    usual other opposite one way"""
)
CALLED = re.compile(
    r"^(?P<x>[A-Z][^;:]{12,}?) (?P<cop>is|are) (?:sometimes |often |usually |also |commonly )?"
    r"(?P<how>called|known as|referred to as|termed) (?:an? |the )?[“\"‘']?(?P<term>[\w.+/-]+(?: [\w.+/-]+){0,3})[”\"’']?[.]?$"
)
GLOSSARY = re.compile(
    r"^(?P<term>[^:–—]{1,60}?)\s*(?:\((?P<paren>[^)]{1,40})\))?\s*(?::|\s[-–—]\s)\s*(?P<rest>\S.*)$"
)
THIS = re.compile(r"^(?:This|These|It|Its)(?: (?P<noun>[a-z]+))? (?P<rest>.+)$")
ENDS_SENTENCE = re.compile(r"[.!?][\"”’')\]]*$")
SLOT = "\x02"  # where the term's name goes in a fact's claim
_NOUNS = "|".join(sorted(CLASS_NOUNS, key=len, reverse=True))
# "the X package" / "the function X()" where X reads as code.
CLASSED = re.compile(
    rf"\b[Tt]he (?:(?P<x>[^\s()]+(?:\(\))?) (?P<n>{_NOUNS})|(?P<n2>{_NOUNS}) (?P<x2>[^\s()]+(?:\(\))?))\b"
)
# "..., the X package, which displays ...": what a named thing does, said in a relative clause. Only after a
# comma: without one the clause narrows its noun ("a concept list which searches ..." is no claim about lists).
RELATIVE = re.compile(
    r"(?P<np>(?:[^\s,;()]+ ){0,2}[^\s,;()]+), which (?P<rest>(?:[a-z]+s|is|are) [^;()]+?)(?:,|\)|\.?$)"
)


@dataclass
class Vocabulary:
    """Names the documents use: code terms, heading terms and recurring capitalised names (canonical keys)."""

    code: set[str] = field(default_factory=set)
    headings: dict[str, str] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    # Words seen right after a determiner ("the providers", "a test"): nouns, whatever else they may be.
    nouns: Counter[str] = field(default_factory=Counter)
    # In how many documents each word occurs, and how many documents there are.
    spread: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    # "the apt-listchanges package", "the function seq()": key -> (name as written, kind); a distractor pool.
    classed: dict[str, tuple[str, str]] = field(default_factory=dict)
    command_headings: set[str] = field(default_factory=set)

    def familiar(self, words: Sequence[str]) -> bool:
        """Are most of these words ones the course uses in more than one document (when it has several)?"""
        if self.documents < 3:
            return True
        alpha = [w.lower() for w in words if w.isalpha()]
        return not alpha or sum(self.spread[w] >= 2 for w in alpha) * 10 >= len(alpha) * 6

    def knows(self, key: str) -> bool:
        return key in self.code or key in self.headings or self.names[key] >= 2

    def kind(self, name: str, key: str) -> str:
        """ "command" for code terms, "name" for multi-word proper names, "concept" for everything else."""
        if (key in self.code or key in self.command_headings) and not name[:1].isupper():
            return "command"
        words = name.split()
        if len(words) >= 2 and all(w[:1].isupper() and w.isalpha() for w in words):
            return "name"
        if len(words) == 1 and re.fullmatch(r"[A-Z]{2,}", name):
            return "acronym"
        if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]+", name) and not self.words[name.lower()]:
            return "name"  # never written in lower case: a proper name ("Peter", "Squeeze")
        return "concept"


def code_lines(text: str) -> list[bool]:
    """For each line of ``text``: is it code (inside a fence, or a prompt line)?"""
    out: list[bool] = []
    fenced = False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            out.append(True)
            continue
        out.append(fenced or _is_prompt(line))
    return out


def _is_prompt(line: str) -> bool:
    if not PROMPT.match(line):
        return False
    s = line.lstrip()
    if s.startswith("#"):
        return False  # a Markdown heading or a comment, not a root prompt
    if s.startswith(">"):
        return re.search(r"[()<=\[$]", s[1:]) is not None  # "> x <- c(1)", not a quoted paragraph
    return True


def logical_lines(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_code) of each non-empty line, with lines a PDF wrapped joined back into one.

    A line continues into the next when it is long, does not end a sentence, and the next line is prose that
    starts in lower case (not a bullet, a code line or a heading).
    """
    lines = text.split("\n")
    code = code_lines(text)
    out: list[tuple[int, int, bool]] = []
    pos = 0
    joinable = False
    for line, is_code in zip(lines, code, strict=True):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            joinable = False
            continue
        prose = not is_code and not re.match(r"^\s*(?:[-•*]\s|\d+(?:\.\d+)*\.?\s+[A-Z]|#)", line)
        if joinable and prose and out and line[:1].islower():
            out[-1] = (out[-1][0], end, False)
        else:
            out.append((start, end, is_code))
        joinable = prose and len(line) >= 50 and not re.search(r"[.!?:;]\s*$", line)
    return out


def _first_ident(line: str) -> str | None:
    body = PROMPT.sub("", line, count=1).strip()
    m = IDENT.match(body)
    if not m:
        return None
    word = m.group(0).rstrip(".-")
    return word if len(word) >= 2 else None


def heading_term(part: str) -> tuple[str, bool] | None:
    """The term a heading names ("6.3. The apt-cache Command" -> ("apt-cache", True)), or None."""
    name = HEADING_NUMBER.sub("", part.strip()).strip(" .:")
    name = re.sub(r"^(?:The|A|An)\s+", "", name)
    command = False
    m = re.match(r"^(.+?)\s+(?:[Cc]ommands?|[Ff]unctions?|[Pp]rograms?|[Uu]tility)$", name)
    if m:
        name, command = m.group(1), True
    words = name.split()
    if not 1 <= len(words) <= 4 or re.search(r"[,;?!()\"“”]", name):
        return None
    if words[0].lower() in NOT_TERM or words[-1].lower() in NOT_TERM:
        return None
    return name, command


def build_vocabulary(texts: dict[str, str], rows: Sequence[StoredChunk], nm: Naming) -> Vocabulary:
    vocab = Vocabulary(documents=len(texts))
    for text in texts.values():
        vocab.spread.update(set(WORD.findall(text.lower())))
        for line, is_code in zip(text.split("\n"), code_lines(text), strict=True):
            if is_code and not FENCE.match(line):
                word = _first_ident(line)
                if word and not word[0].isupper():
                    vocab.code.add(nm.canonical(word))
            elif not is_code:
                for m in CODE_SPAN.finditer(line):
                    span = m.group(1).strip()
                    word = _first_ident(span)
                    if word and (span == word or span.startswith(word + " ")) and not word[0].isupper():
                        vocab.code.add(nm.canonical(word))
                for m in CALL.finditer(line):
                    vocab.code.add(nm.canonical(m.group(1)))
                for m in re.finditer(
                    r"\b[Tt]he ([a-z][\w.+-]*[\w+]) (?:command|program|utility|daemon)\b", line
                ):
                    vocab.code.add(nm.canonical(m.group(1)))
                for m in CLASSED.finditer(line):
                    x, noun = (m.group("x"), m.group("n")) if m.group("x") else (m.group("x2"), m.group("n2"))
                    x = x.rstrip(".,;:")
                    if _code_like(x) and len(x) >= 2:
                        vocab.classed.setdefault(nm.canonical(x), (x, CLASS_NOUNS[noun]))
                for m in CAPITALISED.finditer(line):
                    vocab.names[nm.canonical(m.group(1))] += 1
                vocab.words.update(WORD.findall(line.lower()))
                vocab.nouns.update(DETERMINED.findall(line.lower()))
    for r in rows:
        for part in r.heading.split(" > "):
            got = heading_term(part)
            if got:
                key = nm.canonical(got[0])
                vocab.headings.setdefault(key, got[0])
                if got[1]:
                    vocab.command_headings.add(key)
    vocab.code -= {
        "",
        "the",
        "a",
        "an",
        "and",
        "or",
        "if",
        "then",
        "else",
        "for",
        "do",
        "done",
        "in",
        "is",
        "it",
    }
    return vocab


def _generic(name: str, nm: Naming) -> bool:
    """Does the name consist of the course's generic names only (its platform, never one thing)?"""
    words = nm.canonical(name).replace("/", " ").split()
    return bool(words) and all(w in nm.generic_names for w in words)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


# Hyphenated English words ("above-mentioned", "well-known", "non-free") are not names of code.
ENGLISH_PREFIXES = wordset(
    """follow above well so non self built high low long short multi semi pre re co cross full half all any one two three
    sub super out under over up down end time case user command free open read write run first last"""
)


def _code_like(word: str) -> bool:
    """A single token that reads as code: a path, an option, a call, a dotted or hyphenated lower-case name."""
    if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", word) and word.split("-")[0] in ENGLISH_PREFIXES:
        return False
    return re.search(r"[a-z][_.+/-][a-z]|[a-z]\d|^-{1,2}\w|^/\w|\(\)$|^[@$%]\w", word) is not None


@dataclass(frozen=True)
class Subject:
    term: str
    known: bool  # the course uses it as a name (code, heading, recurring name, or a class noun says so)
    code: bool = False  # a code or heading term
    kind: str = ""
    label: str = ""


def general_term(np_text: str, vocab: Vocabulary, nm: Naming) -> Subject | None:
    """The term a sentence's subject names (without its article), or None when it is not a term."""
    np_text = re.sub(r"\s*\([^)]+\)", "", np_text).strip(" ,")
    article = re.match(r"^(?:The|A|An|the|a|an)\s+", np_text)
    core = np_text[article.end() :] if article else np_text
    # "the X command", "the function X()": the noun says what X is.
    pair = core.split()
    if article and len(pair) == 2:
        for x, noun in ((pair[0], pair[1]), (pair[1], pair[0])):
            code = _code_like(x) or nm.canonical(x) in vocab.code
            if noun in CLASS_NOUNS and code and len(x) >= 2 and x.lower() not in NOT_TERM:
                return Subject(x, True, True, CLASS_NOUNS[noun], noun)
    words = core.split()
    if not 1 <= len(words) <= 5 or len(core) < 2:
        return None
    if re.search(r"[,;:?!\"“”'‘’\[\]{}=<>|]", core) or (re.search(r"[()]", core) and not core.endswith("()")):
        return None
    low = [w.lower() for w in words]
    if ADVERB.fullmatch(words[0]) and len(words) > 1:
        return None  # "Technically R ...": an adverb, not part of the name
    indefinite = article is not None and article.group(0).strip().lower() in ("a", "an")
    if (
        (low[0] in NOT_TERM and not indefinite)
        or low[0] in QUANTITIES
        or low[-1] in NOT_TERM
        or low[-1] in CONTEXT_NOUNS
        or any(w in PRONOUNS for w in low)
    ):
        return None
    if any(w in ("is", "are", "was", "were", "be", "been", "has", "have", "had", "can", "will") for w in low):
        return None
    if all(re.fullmatch(r"[\d.,%-]+", w) for w in words):
        return None
    key = nm.canonical(core)
    if not key or _generic(core, nm):
        return None
    if key in vocab.code:
        return Subject(core, True, True)
    definite_word = (
        article is not None and not indefinite and len(words) == 1 and core.isalpha() and core.islower()
    )
    if (key in vocab.headings or singular(key) in vocab.headings) and not definite_word:
        return Subject(core, True, True)  # ("The services are ..." says which services elsewhere)
    if len(words) == 1 and _code_like(core) and not core[0].isupper():
        return Subject(core, True, True)
    if indefinite:
        # "A patch is a file ...": an indefinite noun phrase defines a general term.
        ok = len(words) <= 3 and all(re.fullmatch(r"[A-Za-z]+(?:[-/][A-Za-z]+)*", w) for w in words)
        return Subject(core, False) if ok else None
    if article:
        return None  # "The X ...": X is definite, so it needs context unless the text names it elsewhere
    if not core[0].isupper():
        return None  # a lower-case sentence start is a fragment (a wrapped line) unless it is code
    if vocab.names[key] >= 1 or (len(words) == 1 and re.search(r"[A-Z].*[A-Z]|\d", core)):
        return Subject(core, True)  # a name used mid-sentence too, or an acronym / CamelCase / versioned name
    # "Vectors are ...", "Generalized linear modeling is ...": words the course keeps using.
    if all(w.isalpha() for w in words) and vocab.words[key] >= 3 and len(words) <= 3:
        return Subject(core, False)
    return None


@dataclass(frozen=True)
class Definition:
    term: str
    statement: str
    stem: str  # with the "Which" placeholder and no question mark
    kind_hint: str = ""
    group: str = ""
    label: str = ""  # the noun the sentence uses for the term's kind ("option"), for "Which option ...?"
    claim: str = ""  # the statement with SLOT for the name, when the stem does not read back into one


def _clean_rest(rest: str) -> str:
    rest = rest.strip()
    return rest[:-1] if rest.endswith(".") else rest


def _is_verb(words: Sequence[str], i: int) -> bool:
    """Is ``words[i]`` a third-person verb (not a plural noun: "Debian packages are ...")?"""
    w = words[i]
    if not re.fullmatch(r"[a-z]{3,}s", w) or w.endswith(("ss", "us", "is", "ics")):
        return False
    if i + 1 >= len(words) or words[i + 1].lower().strip(",") in NOT_AFTER_VERB:
        return False
    # "changes made in a subshell", "values returned by": a participle and its preposition follow a noun.
    after = [x.lower().strip(",") for x in words[i + 1 : i + 3]]
    participle = after[0] in PARTICIPLES or after[0].endswith("ed")
    return not (participle and len(after) == 2 and after[1] in _PREPOSITIONS)


# Where a context adverb can go without changing the claim: "also", "already" inside a clause, "still" after an
# auxiliary ("is still used"; "stands still" is no adverb of time), "too",
# "either" and "as well" closing one ("... obsolete already?" -> "... obsolete?"); "either ... or" and "not only
# ... but also" stay.
_LEANING = re.compile(
    r"(?<=\w)(?<!\bbut) (?:also|already)\b(?=[ ,.?!;:])|,? (?:too|either|as well)(?=[.?!,;:)]|$)"
)
_STILL = re.compile(
    r"\b(is|are|was|were|be|can|could|will|would|may|might|must|does|do|did|has|have|had) still\b(?= )"
)
# "Use X instead": without what it is instead of, the claim itself needs the text before it.
_INSTEAD = re.compile(r"\binstead\b(?! of\b)", re.IGNORECASE)


def without_leaning(text: str) -> str:
    """The text without adverbs that point back at something said before ("X can also ...", "... obsolete
    already"), which a learner reads as leaning on text they cannot see; the claim stays true without them."""
    return _STILL.sub(r"\1", _LEANING.sub("", text))


# A question placed in the section it comes from: 'In the section “<title>”, which ...?'.
_IN_SECTION = re.compile(r"^In the section “(?P<title>[^”]+)”, (?P<rest>.+)$")
MAX_TITLE_WORDS = 8


def section_title(heading: str) -> str:
    """The title of the deepest section in a heading path, without its number ("1.2.2. The X" -> "The X")."""
    last = heading.split(" > ")[-1] if heading else ""
    return HEADING_NUMBER.sub("", last).strip()


def in_section(stem: str, heading: str) -> str | None:
    """The stem placed in its section, for a predicate that needs its topic ("Which of the following must not
    contaminate other software?"); None when the stem already opens with its own context or has no title."""
    title = section_title(heading)
    if (
        not title
        or len(title.split()) > MAX_TITLE_WORDS
        or "”" in title
        or not re.match(r"(?:Which|Who)\b", stem)
    ):
        return None
    if all(w.lower() in NOT_TERM for w in title.split()) or stem.startswith("Which term describes"):
        return None  # "Notes" names no topic; a description this short is a fragment ("or sample variance")
    return f"In the section “{title}”, {stem[0].lower()}{stem[1:]}"


def without_section(text: str, heading: str) -> str:
    """The question or statement without its opening 'In the section “<title>”, ' when that title is the cited
    section's (what the learner reads the rest against is the support sentence)."""
    m = _IN_SECTION.match(text)
    if m is None or m.group("title") != section_title(heading):
        return text
    rest = m.group("rest")
    return rest[:1].upper() + rest[1:]


def leans_on_context(text: str) -> bool:
    """Does the claim need the text before it even without its context adverbs ("Use X instead.")?"""
    return _INSTEAD.search(text) is not None


def points_elsewhere(text: str) -> bool:
    """Does the text lean on a part of the document the learner does not see ("as shown in Figure 2")?"""
    return REFERENCE.search(text) is not None


def context_free(s: str) -> bool:
    """No words that point at text the learner does not see ("the following", "this", "above")."""
    return not re.search(
        r"\b(?:following|above|below|previous|previously|this|these|former|latter|such|later|earlier)\b"
        r"|^Here\b|\bhere (?:is|are)\b",
        s,
        re.IGNORECASE,
    )


def sentence_definitions(sentence: str, vocab: Vocabulary, nm: Naming, which: str) -> Iterable[Definition]:
    """Definitions in one prose sentence: copula, "refers to", "is called", or a named subject's action."""
    s = " ".join(sentence.split())
    if s.count('"') % 2:
        s = re.sub(r'"(\w+[.!?])$', r"\1", s)  # the sentence splitter kept the closing quote for the next one
    if len(s) < 20 or not ENDS_SENTENCE.search(s) or s.count('"') % 2 or s.count("“") != s.count("”"):
        return
    if not context_free(s):
        return
    called = CALLED.match(s)
    if called:
        yield from _called(called, vocab, nm, which, s)
        return
    pre = ""
    opener = OPENER.match(s)
    if opener and len(opener.group("pre").split()) <= 7:
        pre, s = opener.group("pre"), opener.group("body")
    words = s.split()
    for i in range(1, min(len(words), 9)):
        if words[i] in ADVERBS and i + 1 < len(words):
            # "APT usually ensures ...": the adverb goes with the predicate.
            rest = " ".join(words[i + 1 :])
            if not (words[i + 1] in ACTION_VERBS or _is_verb(words, i + 1) or MODAL.match(rest)):
                continue
            subject = general_term(" ".join(words[:i]), vocab, nm)
            if subject is None or not subject.known:
                break
            got = list(_predicate(subject, " ".join(words[i:]), s, pre, which))
            if got:
                yield from got
                return
            break
        rest = " ".join(words[i:])
        m = DEFINING.match(rest)
        if words[i - 1].endswith(","):
            break  # "X, designed to be modular, targets ...": an aside follows the subject
        modal = not m and MODAL.match(rest) is not None
        action = not m and not modal and (words[i] in ACTION_VERBS or _is_verb(words, i))
        if not (m or action or modal):
            continue
        subject = general_term(" ".join(words[:i]), vocab, nm)
        indefinite = re.match(r"(?:A|An|a|an) ", s) is not None
        if subject is None or (modal and not subject.known and not indefinite):
            break
        if action and words[i] not in ACTION_VERBS:
            # Any other "-s" word is a verb only after a code or heading term, and if the text never uses it
            # (or its singular) as a noun.
            w = words[i]
            if not subject.code or vocab.nouns[w] or vocab.nouns[singular(w)]:
                break
        if m:
            obj = rest[m.end() :].split()
            if not obj or obj[0].lower().strip(",.") in WEAK_OBJECTS:
                break
        got = list(_predicate(subject, rest, s, pre, which))
        if got:
            yield from got
            return
        break
    found = list(_relative(s, vocab, nm, which))
    head, colon, tail = s.partition(": ")
    if not found and colon and len(head.split()) <= 8 and re.match(r"(?:the|a|an) \S", tail):
        # "The case of APT is simple: the -y option tells APT to ...": the clause after the colon.
        found = [replace(d, statement=s) for d in sentence_definitions(tail, vocab, nm, which)]
    yield from found


def _predicate(subject: Subject, rest: str, s: str, pre: str, which: str) -> Iterable[Definition]:
    if re.search(r"\b(?:it|they|them|we|us|our|he|she|him)\b", rest):
        return  # the predicate refers back to something: the question would be ambiguous
    if re.search(r", (?!which|who|that)\S+ (?:is|are) ", rest):
        return  # "X is a frame, y is any object, ...": several definitions in one
    stem = f"{pre}, {WHICH_MID} {_clean_rest(rest)}" if pre else f"{which} {_clean_rest(rest)}"
    statement = f"{pre}, {s}" if pre else s
    yield Definition(subject.term, statement, stem, subject.kind, label=subject.label)


def _relative(s: str, vocab: Vocabulary, nm: Naming, which: str) -> Iterable[Definition]:
    """ "..., you can install the apt-listchanges package, which displays ..." -> what the package does."""
    for m in RELATIVE.finditer(s):
        np = m.group("np").split()
        # The noun phrase just before ", which": "install the X package, which ..." -> "the X package".
        found = (general_term(" ".join(np[k:]), vocab, nm) for k in range(len(np)))
        subject = next((g for g in found if g is not None and g.known), None)
        if subject is None:
            continue
        rest = m.group("rest").strip()
        words = rest.split()
        if len(words) < 4 or re.search(r"\b(?:it|they|them|we|us|our|he|she|him)\b", rest):
            continue
        if words[0] not in ("is", "are") and words[0] not in ACTION_VERBS and not _is_verb(words, 0):
            continue
        if words[0] in ("is", "are") and not (DEFINING.match(rest) or MODAL.match(rest)):
            continue
        statement = f"{subject.term} {rest}."
        yield Definition(
            subject.term,
            s,
            f"{which} {rest}",
            subject.kind,
            label=subject.label,
            claim=statement.replace(subject.term, SLOT, 1),
        )
        return


def cloze_definition(sentence: str, vocab: Vocabulary, nm: Naming) -> Definition | None:
    """ "News are sent to the debian-news@lists list." -> "News are sent to which list?" (the name is the key)."""
    s = " ".join(sentence.split())
    if len(s) < 30 or not s.endswith(".") or not context_free(s) or s.count('"') % 2:
        return None
    for m in CLASSED.finditer(s):
        x, noun = m.group("x"), m.group("n")
        if m.start() == 0 or not x or not noun:
            continue
        if (
            not _code_like(x)
            or len(x) < 2
            or s.count(x) > 1
            or not re.match(r"[\s.,;:]", s[m.end() :] or ".")
        ):
            continue
        stem = f"{s[: m.start()]}which {noun}{s[m.end() : -1]}"
        if re.search(r"\b(?:it|they|them)\b", stem):
            return None
        claim = f"{s[: m.start()]}the {SLOT} {noun}{s[m.end() :]}"
        return Definition(x, s, stem, CLASS_NOUNS[noun], label=noun, claim=claim)
    return None


def _called(m: re.Match[str], vocab: Vocabulary, nm: Naming, which: str, s: str) -> Iterable[Definition]:
    """ "The collection of objects currently stored is called the workspace." -> the workspace."""
    term = m.group("term").strip().rstrip(".")
    x = m.group("x")
    if x.split()[0].lower() in NOT_TERM - {"a", "an", "the"} or len(term) < 2:
        return
    if re.search(r",|\b(?:what|how|which|that|who|is|are|was|were|will|can)\b", x):
        return  # "X determines how it is treated by what are known as Y": Y is not what X names
    if term.split()[0].lower() in NOT_TERM or term.lower().split()[-1] in CONTEXT_NOUNS or _generic(term, nm):
        return
    if nm.canonical(term) in nm.canonical(x):
        return
    body = x[0].lower() + x[1:] if not x[1:2].isupper() else x
    how = m.group("how")
    stem = f"{which} {m.group('cop')} {body} {how}"
    claim = f"{x} {m.group('cop')} {how} {SLOT}."
    yield Definition(term, s, stem, claim=claim)


def glossary_definition(line: str, which: str, nm: Naming, vocab: Vocabulary) -> Definition | None:
    """``Term: definition`` or ``Term - definition`` (a glossary line or bullet), else None."""
    m = GLOSSARY.match(" ".join(line.split()))
    if not m or m.group("paren") == "":
        return None
    term = m.group("term").strip()
    rest = m.group("rest").strip()
    words = term.split()
    if not 1 <= len(words) <= 5 or re.search(r"[,;?!\"“”=<>|\\]", term) or term[-1:] in ".-":
        return None
    if "/" in term and (len(words) > 1 or not re.fullmatch(r"[\w./~*-]+", term)):
        return None  # one path ("/var/") may be a term; "and/or" phrases are not
    if re.fullmatch(r"[\d.,-]+", words[-1]) or _generic(term, nm) or HEADING_NUMBER.match(term):
        return None  # "Step 2: ...", "Section 4.1: ..." label a part; a generic name labels nothing
    if words[0].lower() in NOT_TERM or words[-1].lower() in NOT_TERM or words[0].lower().endswith("ing"):
        return None
    if any(w.lower() in FINITE for w in words):
        return None  # "Debian 1.0 was never released: ..." is a sentence, not a term
    rwords = rest.split()
    if len(rwords) < 2 or rwords[0].endswith(":") or not re.match(r"[A-Za-z“\"]", rest):
        return None
    first = rwords[0].lower().strip(",")
    if (first in NOT_TERM and first not in ("a", "an", "the")) or first in CONNECTORS or first in PRONOUNS:
        return None
    if sum(w[:1].islower() for w in rwords) * 2 < len(rwords):
        return None  # a title or a list of names ("Data Tools – A Study Guide"), not a definition
    if sum(len(w) >= 4 and w.isalpha() for w in rwords) < 2 or not context_free(rest):
        return None  # program output ("Levels: a b c"), or a definition that points elsewhere
    # The first sentence of the definition only.
    body = re.split(r"(?<=[.!?])\s+(?=[A-Z])", rest, maxsplit=1)[0]
    body = _clean_rest(body).rstrip(" ;,")
    if first in ACTION_VERBS:
        body = first + body[len(first) :]
        if first.endswith("ed") or first in PARTICIPLES:
            body = f"is {body}"  # "Named for the piggy bank" -> "Which of the following is named for ...?"
        return Definition(term, f"{term} {body}.", f"{which} {body}")
    lowered = body[0].lower() + body[1:] if not body[1:2].isupper() else body
    return Definition(term, f"{term}: {body}.", f"Which term describes “{lowered}”")


def term_line_definition(
    term_line: str, sentence: str, vocab: Vocabulary, nm: Naming, which: str
) -> Definition | None:
    """A short line naming a term, then a paragraph whose first sentence says what "this option" does."""
    term = " ".join(term_line.split())
    words = term.split()
    if not 1 <= len(words) <= 3 or len(term) > 60 or ENDS_SENTENCE.search(term) or term.endswith(":"):
        return None
    if words[0].lower() in NOT_TERM or re.search(r"[,;?!\"“”]", term) or _generic(term, nm):
        return None
    symbol = re.fullmatch(r"[-=!<>&|+*/%~^]{1,3}|-{1,2}[A-Za-z][\w-]*", term) is not None
    if re.fullmatch(r"(.)\1{2,}", term):
        return None  # "---", "===": a rule line, not a term
    if not (
        (len(words) == 1 and (_code_like(term) or "::" in term or symbol)) or nm.canonical(term) in vocab.code
    ):
        return None
    s = " ".join(sentence.split())
    m = THIS.match(s)
    if not m:
        return described(term, s, "operator" if symbol else "", vocab)
    if not ENDS_SENTENCE.search(s) or not context_free(m.group("rest")):
        return None
    noun = m.group("noun") or ""
    rest = m.group("rest") if noun else s.split(" ", 1)[1]
    rwords = rest.split()
    if (
        noun
        and noun not in CLASS_NOUNS
        and noun not in ("variable", "setting", "parameter", "entry", "field")
    ):
        return None
    if not (DEFINING.match(rest) or rwords[0] in ACTION_VERBS or _is_verb(rwords, 0)):
        return None
    if re.search(r"\b(?:it|its|they|them|their)\b", rest):
        return None
    label = noun if noun in CLASS_NOUNS else ""
    return Definition(
        term, f"{term}: {s}", f"{which} {_clean_rest(rest)}", CLASS_NOUNS.get(noun, ""), label=label
    )


# "Written by Ian A. Murdock, Revised 01/06/94": who wrote a section and when, not what its title is.
_BYLINE = re.compile(
    r"(?i:(?:written|edited|compiled|translated|revised|updated|maintained)\s+)?(?i:by)\s+[A-Z]"
)


def described(term: str, line: str, kind: str, vocab: Vocabulary, heading: bool = False) -> Definition | None:
    """A definition list entry: the term's line, then a noun phrase saying what it is ("the assignment operator").

    Under a heading the noun phrase may start in upper case ("Manipulating and expanding variables"), but must
    then have no verb at all: a sentence under a heading is about the section, not a definition of its title.
    """
    words = line.split()
    if not 3 <= len(words) <= 25 or not (
        line[:1].islower() or re.match(r"(?:A|An|The) [a-z]", line) or heading
    ):
        return None
    if any(w.lower() in ("is", "are", "was", "were", "it", "this") for w in words[:3]):
        return None
    if re.fullmatch(r"[A-Z]{2,}", words[0]):
        return (
            None  # "COMMUNITY Ian Murdock's journey": a boxed aside's label and title, not what the term is
        )
    if any(
        w.lower() in FINITE or w in ACTION_VERBS or (i and _is_verb(words, i)) for i, w in enumerate(words)
    ):
        return None  # a clause ("the shift command reassigns ..."), not a noun phrase saying what the term is
    if not context_free(line):
        return None
    if heading and (not line[:1].isupper() or nm_overlap(term, line) or not vocab.familiar(words)):
        return None  # under a heading, also not an epigraph in another language
    if heading and (
        (line.rstrip().endswith(".") and len(words) > 10)
        or re.search(r"\b(?:he|she|it|they|his|her|their|we|you)\b", line, re.IGNORECASE)
        or _BYLINE.match(line)
    ):
        return None  # a sentence about the section or who wrote it, not a subtitle naming what the term is
    body = _clean_rest(line).rstrip(" ;,:")
    body = body[0].lower() + body[1:] if not body[1:2].isupper() else body
    return Definition(term, f"{term}: {line}", f"Which term describes “{body}”", kind)


def nm_overlap(term: str, line: str) -> bool:
    """Does the description repeat a word of the term (so it would give the answer away)?"""
    low = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", line)}
    return any(w.lower() in low or singular(w.lower()) in low for w in re.findall(r"[A-Za-z]{3,}", term))
