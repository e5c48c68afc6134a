"""The LLM's part in quizzes: rewording a checked item's question, never choosing its key.

DESIGN.md's probe found small models write valid JSON under a grammar but pick wrong keys, so the key,
distractors and citation stay those of the rule-based item; the model only rewords the stem
(JSON out; JSON-schema constrained decoding on retry). Each rewording goes back through the gate; malformed or failing output is
retried a bounded number of times (the retry under the JSON grammar) and then dropped; a wording the gate
rejects is dropped at once (decoding is deterministic). Either way the learner gets the rule wording.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import HumanMessage, SystemMessage

from tutor.config import Settings
from tutor.errors import TutorError
from tutor.llm.backends import LlamaCppChat, backend_errors, complete_json, get_chat_model
from tutor.quiz.facts import FactBank
from tutor.quiz.gate import validate
from tutor.quiz.generate_rules import TF_PREFIX, Embed
from tutor.quiz.models import QuizItem, Served

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).resolve().parent / "prompts"
MAX_ATTEMPTS = 2
# No length limits in the schema: llama.cpp turns them into a large grammar that slows sampling; the
# length is checked after parsing instead.
SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}
MAX_WORDS = 45
# True/false statements are not reworded: a small model turns them into questions or drops the swapped
# name that makes a statement false, and the rule wording is already the material's own sentence.
REWORDED_TYPES = ("mcq", "short")


@lru_cache(maxsize=4)
def prompt(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


def parse_question(raw: str, item: QuizItem) -> str | None:
    """The reworded question from the model's JSON, normalised to the item's form; None when malformed."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, TypeError):
        return None
    q = data.get("question") if isinstance(data, dict) else None
    if not isinstance(q, str) or not q.strip():
        return None
    q = " ".join(q.split())
    if len(q.split()) > MAX_WORDS or len(q) < 10:
        return None
    if item.type == "true_false":
        body = q.removeprefix(TF_PREFIX).removeprefix("True or False: ").rstrip("?")
        return TF_PREFIX + body.rstrip(".") + "."
    return q if q.endswith("?") else q.rstrip(".") + "?"


class Rephraser:
    """Callable: a checked item -> the same item with a reworded question, or None to keep the original."""

    def __init__(
        self,
        backend: str,
        bank: FactBank,
        settings: Settings | None = None,
        attempts: int = MAX_ATTEMPTS,
        embed: Embed | None = None,
    ) -> None:
        self.backend = backend
        self.embed = embed
        self.bank = bank
        self.settings = settings
        self.attempts = attempts
        self.failed_backend = False
        self.stats = {"reworded": 0, "rejected": 0, "malformed": 0, "unchanged": 0}

    def _ask(self, item: QuizItem, attempt: int = 0) -> str:
        """One completion. On llama.cpp the first try is unconstrained (the grammar roughly triples the
        time per item in this build, and the model answers in JSON anyway); a retry after malformed
        output uses JSON-schema constrained decoding, which cannot be malformed."""

        system = prompt("rephrase_system.txt")
        user = prompt("rephrase_user.txt").format(
            support=item.citation.support, question=item.question, answer=item.answer
        )
        model = get_chat_model(self.backend, self.settings)
        if attempt == 0 and isinstance(model, LlamaCppChat):
            with backend_errors(self.backend):
                out = model.invoke(
                    [SystemMessage(content=system), HumanMessage(content=user)], max_tokens=80, stop=["}"]
                )
            text = str(out.content).strip()
            return text if text.endswith("}") else text + "}"
        return complete_json(self.backend, system, user, SCHEMA, self.settings, max_tokens=80)

    def __call__(self, item: QuizItem, seen: Sequence[Served] = ()) -> QuizItem | None:
        if self.failed_backend or item.type not in REWORDED_TYPES:
            return None
        for attempt in range(self.attempts):
            try:
                raw = self._ask(item, attempt)
            except TutorError as exc:
                # The backend itself is unusable (not installed, unreachable): keep rule wording for the rest.
                log.warning("rewording disabled: %s", exc)
                self.failed_backend = True
                return None
            question = parse_question(raw, item)
            if question is None:
                self.stats["malformed"] += 1
                continue
            if question == item.question:
                self.stats["unchanged"] += 1
                return None  # the model kept the wording: nothing to gain from asking again
            candidate = item.model_copy(update={"question": question, "source": "llm"})
            verdict = validate(candidate, self.bank, seen, embed=self.embed)
            if verdict.ok:
                self.stats["reworded"] += 1
                return candidate
            # Decoding is deterministic, so asking again would give the same rejected wording.
            self.stats["rejected"] += 1
            log.debug("rewording rejected (%s): %s", "; ".join(verdict.reasons), question)
            return None
        return None
