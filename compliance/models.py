"""Compliance models: hosted pages, consent records, preflight (DESIGN.md section 5)."""
