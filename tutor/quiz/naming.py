"""How a course names things, from its profile: prefixed product names, generic words, kind labels, aliases.

A course profile may say that its product names carry prefixes ("Acme Widgets", "Acme Cloud Store"), what
those names denote ("Acme product", "package"), and which words name the platform in general rather than any
one thing. Everything in the quiz that depends on such habits asks a ``Naming`` built from the profile; a
course without a profile gets ``PLAIN``: no prefixed names, only general generic words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ingest.text import content_tokens
from ingest.words import GENERAL_WORDS, wordset
from tutor.course import EMPTY, CourseProfile

# Words that, alone or together, never make a prefixed phrase the name of one product: "<prefix> cloud",
# "<prefix> account", "<prefix> certified ... exam".
NON_NAME_WORDS = wordset(
    """cloud stack sdk cli api account accounts console management machine image learning certified certification
    specialty speciality exam exams materials courses course services service engineers engineer for and the of
    ai ml"""
)
# Head nouns of a kind, as they end a term's name ("forecasting algorithm") -> the kind.
HEAD_KINDS = {
    "algorithm": "algorithm",
    "algorithms": "algorithm",
    "layer": "layer",
    "hyperparameters": "hyperparameters",
}
BASE_LABELS = {
    "algorithm": "algorithm",
    "layer": "layer",
    "hyperparameters": "category of hyperparameters",
    "command": "command",
    "release": "release",
}


@dataclass(frozen=True)
class Naming:
    """The naming habits of one course (see the module docstring)."""

    prefixes: tuple[str, ...] = ()
    name_kind: str = "term"
    # Lower-cased words that name the platform in general (the profile's generic names) ...
    generic_names: frozenset[str] = field(default_factory=frozenset)
    # ... and those together with its platforms: a name starting with one is also written without it.
    owners: tuple[str, ...] = ()
    extra_generic: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_profile(cls, profile: CourseProfile) -> Naming:
        return cls(
            prefixes=tuple(profile.name_prefixes),
            name_kind=profile.name_kind or "term",
            generic_names=profile.generic_words(),
            owners=profile.owner_words(),
            extra_generic=frozenset(content_tokens(" ".join(profile.owner_words()))),
        )

    # -- prefixed names ------------------------------------------------------------------------------------
    @cached_property
    def prefix_alt(self) -> str | None:
        """A regex alternation of the prefixes, longest first; None when the course has none."""
        if not self.prefixes:
            return None
        return "|".join(re.escape(p) for p in sorted(self.prefixes, key=len, reverse=True))

    @cached_property
    def named(self) -> re.Pattern[str] | None:
        """A prefixed name: the prefix and the capitalised words after it ("<Prefix> Data Store")."""
        if self.prefix_alt is None:
            return None
        return re.compile(
            rf"\b(?:{self.prefix_alt})(?:[ ]+(?:for[ ]+)?[A-Z0-9][A-Za-z0-9]*(?:-[A-Z0-9][A-Za-z0-9]*)*)+"
        )

    @cached_property
    def _lead(self) -> re.Pattern[str] | None:
        if self.prefix_alt is None:
            return None
        return re.compile(rf"^\s*(?:the\s+)?(?:{self.prefix_alt})\s+", re.IGNORECASE)

    @cached_property
    def _inner(self) -> re.Pattern[str] | None:
        if self.prefix_alt is None:
            return None
        return re.compile(rf"\b(?:{self.prefix_alt})\s+", re.IGNORECASE)

    @cached_property
    def _lead_exact(self) -> re.Pattern[str] | None:
        if self.prefix_alt is None:
            return None
        return re.compile(rf"^(?:{self.prefix_alt})\s+")

    def has_prefix(self, name: str) -> bool:
        return self._lead_exact is not None and self._lead_exact.match(name) is not None

    def bare(self, name: str) -> str:
        """The name without its prefix ("<Prefix> Data Store" -> "Data Store")."""
        return self._lead_exact.sub("", name) if self._lead_exact is not None else name

    def is_product_key(self, key: str) -> bool:
        """Can a prefixed phrase with this canonical key name one product (not "<prefix> cloud", "<prefix> exam")?"""
        words = key.replace("/", " ").split()
        return bool(words) and not all(
            w in NON_NAME_WORDS or w in self.generic_names or w.isdigit() for w in words
        )

    # -- comparing and spelling names ----------------------------------------------------------------------
    def canonical(self, name: str) -> str:
        """Key for comparing term names: lower case, no prefix, no parenthetical, no punctuation."""
        s = re.sub(r"\([^)]*\)", " ", name)
        if self._lead is not None and self._inner is not None:
            s = self._lead.sub("", s.strip())
            s = self._inner.sub("", s)
        return re.sub(r"\s+", " ", s).strip(" .,:;").lower()

    def aliases_of(self, name: str) -> tuple[str, ...]:
        """Ways the material writes a name: as given, its parenthetical, without it, without the prefix, and a
        multi-word name that starts with a generic or platform name also without that word."""
        out = [name.strip()]
        paren = re.search(r"\(([^)]+)\)", name)
        if paren:
            out.append(paren.group(1).strip())
            out.append(re.sub(r"\s*\([^)]*\)", "", name).strip())
        bare = self.bare(name.strip())
        if bare != name.strip() and bare[:1].isupper():
            out.append(bare)
        # "<Platform> Ground Station" is also written "Ground Station".
        words = bare.split()
        if len(words) >= 2 and words[0].lower() in self.owners and words[1][:1].isupper():
            out.append(" ".join(words[1:]))
        seen: list[str] = []
        for a in out:
            if a and a not in seen:
                seen.append(a)
        return tuple(seen)

    # -- words and labels ----------------------------------------------------------------------------------
    @cached_property
    def generic(self) -> frozenset[str]:
        """Stemmed words that neither identify a term (leak check) nor count as evidence (entailment check)."""
        return frozenset(content_tokens(GENERAL_WORDS)) | self.extra_generic

    @cached_property
    def named_kind(self) -> str:
        """The kind key of prefixed names: the last word of what the course calls them ("service")."""
        words = self.name_kind.lower().split()
        return words[-1] if words else "term"

    def label(self, kind: str) -> str:
        """What a question calls a kind ("Which <label> ...?"); empty for kinds without a name."""
        if self.prefixes and kind == self.named_kind:
            return self.name_kind
        return BASE_LABELS.get(kind.split(":")[0] if kind.startswith("release:") else kind, "")

    def labels(self) -> list[str]:
        out = list(BASE_LABELS.values())
        if self.prefixes:
            out.append(self.name_kind)
        return sorted(set(out), key=len, reverse=True)


PLAIN = Naming.from_profile(EMPTY)
