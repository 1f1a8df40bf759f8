"""Hostile feeds and broken networks: the end-to-end reliability and security suite (issue 6)."""
