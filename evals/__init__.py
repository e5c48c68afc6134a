"""Regression eval set and tuning scripts (thin clients of ``tutor``)."""
