"""Word lists shared by ingest and the tutor: stopwords, the words a question opens with, connectives, and the
words a quiz question is made of.

One place for them, so a list is defined once; a caller that needs a few more words adds them where it uses
the list, visibly (``frozenset((*QUESTION_OPENERS, "whom"))``), rather than keeping its own copy.
Course-specific words (a platform's generic names) are data: ``corpus/course.toml``, never a list here.
"""

from __future__ import annotations


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: word lists written as one string."""
    return frozenset(text.split())


# Words with no topic of their own: dropped before BM25 and overlap scores (``ingest.text.content_tokens``).
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "tell",
        "explain",
        "describe",
        "give",
        "know",
        "please",
        "use",
        "used",
        "using",
        "via",
        "e.g",
        "i.e",
        "etc",
    ]
)
# The words every list of question openers starts from ("what ...", "is ...", "should ...").
QUESTION_OPENERS: tuple[str, ...] = (
    "what",
    "which",
    "who",
    "how",
    "why",
    "when",
    "where",
    "is",
    "are",
    "does",
    "do",
    "should",
)
# Words a chat message opens with before its subject ("okay so ...", "and what about ...").
CONNECTIVES: tuple[str, ...] = ("okay", "so", "and")
# Words that identify nothing in a question or a name, whatever the course: question scaffolding and the
# nouns that say what kind of thing an answer is (the quiz's ``Naming.generic``).
GENERAL_WORDS = """which following term terms describes refers refer true false can you service services algorithm algorithms
layer layers concept command commands function functions"""
# Everyday words of any subject's prose: blanked out of a sentence they ask nothing the material teaches
# ("a _____ public role", "the _____ time"). The quiz's fill-in-the-blank keys are never one of them.
EVERYDAY_WORDS = wordset(
    """first second third last next new old whole little less least more most right left look need needs ability
    different important particular strong official common core minimum maximum main advantage advantages way ways
    part parts time times example examples reason reasons number numbers kind kinds case cases thing things point
    points lot lots same other others several various certain general usual simple possible available useful
    good better best great large small big long short high low full real true false able sure clear fact facts
    idea ideas place places result results course level levels order side sides use uses user users work works
    world year years people person help start end change changes back ordinary normal special specific answer
    answers question questions story difference differences"""
)
# Words that link a sentence to the one before ("Similarly, ...", "Otherwise the ...", "First, ..." a step of a
# procedure the learner does not see): a sentence read on its own (an answer's first sentence, a quiz stem) drops
# them, and a line opening with one does not define a term.
CONNECTORS = wordset(
    """alternatively additionally also otherwise instead similarly finally then likewise moreover furthermore
    meanwhile nevertheless nonetheless besides consequently accordingly first next second afterwards"""
)
# Grammar words a sentence may open with (the quiz capitalises one after dropping "Moreover, ..."; a name such
# as a command keeps its case).
GRAMMAR_OPENERS = wordset(
    """a an the this that these those which what who when where how it they there in on for if some many most each
    every all no one you we"""
)
# Adverbs that lean on something said before ("... is considered obsolete already", "X can also ..."): a quiz
# stem or statement drops them (the claim stays true) and they never make a stem specific.
CONTEXT_ADVERBS = wordset("also already still too either instead")
# Words before a noun that already make it a noun phrase: no article goes in front of a term after one.
DETERMINERS = wordset("a an the this that these those each every any no its their his her our your my")
# Words that qualify one instance rather than name a thing: a lower-case phrase opening with one ("a new bug",
# "a specific version number", "a typical mirror") is a passing description, not a term of the course.
QUALIFIERS = wordset(
    """new old specific typical single particular certain given various several different same other usual simple
    whole entire additional further"""
)
