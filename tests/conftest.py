"""Shared fixtures: keep this file small; module-specific fixtures live beside their tests."""
