"""Practice questions whose answer keys are checked against the material.

Entry points (everything the UI, the eval runner and the CLI need):

- ``service.generate_quiz(topic=None, doc_id=None, domain=None, n=5, types=..., backend=None, learner="default")``
  -> ``list[QuizItem]`` (validated, remembered as served to the learner); ``service.iter_quiz`` yields them
  one by one; ``service.quiz_validity_sample(backend, n)`` -> the independent-check figures.
- ``grade.grade(item, response, bank=None, embed=None)`` -> ``GradeResult`` with cited feedback.
- ``tutor.study.progress.Progress``: attempts, mastery, SM-2 review queue; ``tutor.study.export``: Anki / CSV.

- ``service.list_topics()`` -> the course's topics (``topics.CourseTopics``: the profile's, else derived from
  document titles or top-level headings); ``topics.parse_topic`` reads a ``--domain`` value.

Stages: ``facts`` mines definitional sentences and term lists from the index (``naming`` holds the course
profile's naming habits, ``mining`` the general patterns that work on any text) -> ``generate_rules`` makes
items (``generate_llm`` may reword a stem) -> ``gate.validate`` checks every item before anyone sees it.
``topics`` assigns each passage (and so each item's ``domain`` field) to one of the course's topics.
"""
