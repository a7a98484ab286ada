"""Benchmarks of wagtail-disclosure (not part of the distributed package)."""
