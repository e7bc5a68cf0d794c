"""Tests for conformance.drift (spec-vs-spec drift detection)."""
