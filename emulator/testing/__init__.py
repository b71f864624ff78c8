"""Helpers for tests and bots: a sans-IO client."""
