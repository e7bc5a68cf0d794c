"""Conformance suite, drift detection and the `canvas-lti` command line."""
