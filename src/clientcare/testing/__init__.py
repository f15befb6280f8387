"""Test helpers shipped with clientcare (contract suites for adapters)."""
