"""What kind of thing a mined term is, from its letters and from how the course itself uses it.

Options of one question must be things of one kind: four people, four releases, four commands, four ideas.
Two views decide it, both general (nothing here knows a course):

- the **surface form** of a name, which a learner sees at a glance: a number, a code fragment ("par()",
  "is.na", "--force"), a name with a version number ("Python 3.9"), a capitalised name ("Hamlet",
  "Ada Lovelace"), or a plain phrase ("data frame", "Arithmetic expansion");
- the **kind** the corpus gives a capitalised name: a person when the text uses it as the subject of a
  sentence about a person ("X died", "X, who ...", "X ... his ..."), or when it is the given name of such a
  person ("Ada" for "Ada Lovelace"); a release when it carries a version number ("Distro 8 Falcon") or
  the text writes it right after one ("6.0 Falcon").

It also says which terms make no answer key: idioms and grammar words ("case-in-point", "as well"), and
words most passages of the course contain (its own subject, which every question would be "about").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from ingest.text import content_tokens
from ingest.words import QUALIFIERS, STOPWORDS, wordset

PERSON = "person"
RELEASE = "release"
# Kinds the general miner gives names it knows nothing more about; the corpus evidence may refine them.
REFINABLE = frozenset(("concept", "name", "acronym"))

_NUMBER = re.compile(r"[\d\s.,:/%+-]+")
_CODE = re.compile(r"[()\[\]{}$=_\\<>|`]|^[-./~@%+*]|[A-Za-z]\.[A-Za-z]")
_VERSION = re.compile(r"\d+(?:\.\d+)*[a-z]?\d*")
# A version number with a dot ("3.9", "2.4.23"), or any number followed by a code name ("8 Falcon"); not a
# plain "Level 0" or "Figure 3".
_RELEASE_NUMBER = re.compile(r" \d+\.\d+(?:\.\d+)*[a-z]?\d*(?: |$)| \d+ [A-Z][a-z]+$")
_NAME_WORD = re.compile(r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)")
# What only a person does, said right after the name ("Ada Lovelace died", "Ada Lovelace (ada) died").
_PERSON_PREDICATE = re.compile(
    r"^(?:\s*\([^)]{1,40}\))?(?:,? who\b|,? whose\b| (?:died|dies|was born|passed away|was killed|married|"
    r"retired|resigned|said|says|was elected|himself|herself)\b)"
)
# A role only a person holds, said of the name: "X became the Leader of ...", "With X as Project Leader"
# (a leader, president or director only as a title: a project can be "the leader in this respect").
_ROLE_NOUN = (
    r"(?: (?:the|a|an|its|our))?(?: [\w'-]+){0,3}? (?:Leader|President|Vice-President|Director|(?:co-)?[Ff]ounder|"
    r"[Dd]eveloper|[Mm]aintainer|[Aa]uthor|[Cc]hairman|[Cc]hairperson|[Ss]ecretary|[Tt]reasurer|[Dd]irector|"
    r"[Pp]rogrammer|[Cc]ontributor|[Vv]olunteer|[Ss]tudent|[Pp]rofessor|[Ee]mployee)s?"
    r"(?= (?:of|for|in|at|since|from|until|and)\b|[.,;:)]|$)"
)
_ROLE = re.compile(r"^(?: (?:became|becomes|was|is|has been|had been|served as)|,)" + _ROLE_NOUN)
_AS_ROLE = re.compile(r"^ as" + _ROLE_NOUN)
# A name followed by its e-mail address, as credits and lists of people write it.
_EMAIL = re.compile(r"^\s*(?:<|&lt;)[\w.+-]+@[\w-]+")
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|himself|herself)\b", re.IGNORECASE)
# Where a sentence's subject can start: the sentence start, after an opening phrase, after a heading's colon.
_SUBJECT_START = r"(?:^|, |: )"
_AUXILIARIES = wordset(
    "is are was were be been has have had can could will would may might must shall should also"
)
# Grammar words an idiom is glued from ("case-in-point", "up-to-date", "state-of-the-art").
_GLUE = wordset("in of the to a an on at for by and or as with per")


def surface_form(name: str) -> str:
    """How a name looks: "number", "path", "code", "versioned", "capitalised" or "phrase"."""
    s = " ".join(re.sub(r"\s+\([^()]*\)", "", name).split())  # a spelled-out name's "(abbreviation)"
    if not s or _NUMBER.fullmatch(s):
        return "number"
    if re.fullmatch(r"(?:~?/|\./)\S*|\S+/", s):
        return "path"  # "/opt/", "/etc/crontab": a place in a file system, not a command or a keyword
    if _CODE.search(s):
        return "code"
    words = s.split()
    if any(_VERSION.fullmatch(w) for w in words):
        return "versioned"
    if all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return "capitalised"
    return "phrase"


def same_look(a: str, b: str, kind: str) -> bool:
    """Would options ``a`` and ``b`` look alike to a learner? A capitalised name and a plain phrase may
    share a kind the text itself gave them ("Object2Vec", "Image classification" are both algorithms),
    not one the miner guessed ("Recursion" and "Bash" are not both ideas)."""
    fa, fb = surface_form(a), surface_form(b)
    if fa == fb:
        return True
    return kind not in REFINABLE and {fa, fb} == {"capitalised", "phrase"}


def junk(name: str) -> bool:
    """An idiom or a string of grammar words, which names nothing a learner could be asked about."""
    words = re.split(r"[\s-]+", name.strip().lower())
    if not any(w.isalpha() for w in words):
        return False  # a number or a symbol: its own kind, judged elsewhere
    if all(w in STOPWORDS or w in _GLUE for w in words):
        return True
    if len(words) >= 2 and words[-1] in _GLUE:
        return True  # a scrap of a sentence cut at a grammar word ("Need to"), not a name
    # "case-in-point": lower-case words hyphenated around a grammar word.
    parts = name.strip().split("-")
    return (
        len(parts) >= 3
        and " " not in name.strip()
        and all(p.isalpha() and p.islower() for p in parts)
        and any(p in _GLUE for p in parts[1:-1])
    )


def passing(name: str) -> bool:
    """A lower-case phrase opening with a qualifier ("new bug", "specific version number", "single file"): one
    instance described in passing, fine as the subject of a true statement but no term to name or pick."""
    words = name.strip().split()
    return len(words) >= 2 and name[:1].islower() and words[0] in QUALIFIERS


def garbled(text: str) -> bool:
    """Letter scraps rather than prose (a table row a PDF flattened: "incomef act nsw nt qld sa tas")."""
    words = [
        w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in STOPWORDS and w.lower() not in _GLUE
    ]
    scraps = [w for w in words if len(w) <= 3 and not w.isupper()]
    return len(words) >= 4 and len(scraps) * 2 > len(words)


def trivial(name: str, common: frozenset[str]) -> bool:
    """Is every word of the name one that most passages of the course contain (its own subject: the project a book is about)?"""
    tokens = [t for t in content_tokens(name) if not t.isdigit()]
    return bool(tokens) and bool(common) and all(t in common for t in tokens)


class KindEvidence:
    """The corpus's own usage of capitalised names: who is a person, what is a release."""

    def __init__(self, sentences: Iterable[str]) -> None:
        self.sentences = [" ".join(s.split()) for s in sentences]
        self._kinds: dict[str, str] = {}

    @cached_property
    def _lower(self) -> frozenset[str]:
        return frozenset(w for s in self.sentences for w in re.findall(r"\b[a-z]+\b", s))

    @cached_property
    def _text(self) -> str:
        return "\n".join(self.sentences)

    def kind(self, name: str, current: str) -> str:
        """The kind of a name the miner called ``current`` ("concept", "name", "acronym" and the kind of a
        bullet list's members are refined; a list of releases or of people becomes releases or people)."""
        if current not in REFINABLE and not current.startswith("group:"):
            return current  # a kind the text gave (a command, an option) or the course's naming did
        if name not in self._kinds:
            self._kinds[name] = self._refine(name, current)
        return self._kinds[name]

    def _refine(self, name: str, current: str) -> str:
        words = name.split()
        if words and words[0][:1].isupper() and _RELEASE_NUMBER.search(name):
            # "Distro 8 Falcon", "Python 3.9": releases of one product are options for each other, not for
            # another product's ("Python 3.9" among "Distro 8 Falcon"s).
            return f"{RELEASE}:{words[0].lower()}"
        if not 1 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) for w in words):
            return current
        if any(re.fullmatch(r"[A-Z]\.", w) for w in words[1:-1]) and len(words) >= 3:
            return PERSON  # a middle initial: "Ian A. Murdock"
        if self.is_person(name) or (len(words) >= 2 and self.acts_like_people(name)):
            return PERSON
        if len(words) == 1 and re.search(r"[A-Z][\w-]* \d+(?:\.\d+)* " + re.escape(name) + r"\b", self._text):
            return RELEASE  # a code name the text writes after a version number: "Distro 6.0 Falcon"
        return current

    def acts_like_people(self, name: str) -> bool:
        """Is the name the subject of a verb whose other subjects are people ("X led the project from ...", where
        two others who "led" it are people by their own evidence)?"""
        verbs = {
            m.group(1)
            for s in self.sentences
            for m in re.finditer(_SUBJECT_START + re.escape(name) + r" ([a-z]{3,})\b", s)
            if m.group(1) not in STOPWORDS and m.group(1) not in _AUXILIARIES
        }
        for verb in sorted(verbs):
            others = {
                m.group(1)
                for s in self.sentences
                for m in re.finditer(
                    _SUBJECT_START + r"((?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+) " + verb + r"\b", s
                )
            } - {name}
            if sum(self.is_person(o) for o in sorted(others)) >= 2:
                return True
        return False

    def is_person(self, name: str) -> bool:
        """Does the text use the name (or, for one word, a full name it starts) as the subject of a sentence
        about a person?"""
        # One word may be a given name: "Ada" is a person when "Ada Lovelace died"; the family name is a word
        # the text never writes in lower case ("Project Leader" makes no full name of "Project").
        tail = r"(?: (?:[A-Z]\.|[A-Z][a-z]+)){0,2}" if " " not in name else ""
        anywhere = re.compile(r"(?<![\w-])" + re.escape(name) + tail + r"(?![\w-])")
        for s in self.sentences:
            for m in anywhere.finditer(s):
                rest = s[m.end() :]
                if any(w.lower() in self._lower for w in m.group(0).split()[len(name.split()) :]):
                    continue
                if _EMAIL.match(rest) or (re.search(r"\b[Ww]ith $", s[: m.start()]) and _AS_ROLE.match(rest)):
                    return True  # "X <x@example.org>", "With X as Project Leader"
                if not re.search(_SUBJECT_START + r"$", s[: m.start()]):
                    continue  # what follows is said of the sentence's subject, not of this name
                if _ROLE.match(rest):
                    return True
                if _PERSON_PREDICATE.match(rest):
                    return True
                # "X was a contributor ... until his passing": a pronoun soon after, and no other name that
                # it could be about ("X was founded by Y, who named it after his wife").
                near = " ".join(rest.split()[:12])
                pronoun = _PERSONAL_PRONOUN.search(near)
                if pronoun and not re.search(
                    r"\b(?:by|and|with|to|for|of|from)\s+[A-Z]", near[: pronoun.start()]
                ):
                    return True
        return False
