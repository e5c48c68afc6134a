"""Benchmarks: our ingest/retrieval/answers against the LangChain quickstart pipeline (`make bench`).

Entry point: ``python -m bench.run``; it rewrites docs/BENCHMARKS.md. Heavy work runs in child processes
(``bench.worker``) so every pipeline gets its own memory and its own peak-RSS reading.
"""
