"""The tutor core: settings, backends, retrieval, answers, quizzes, progress and the CLI."""
