"""Twisted adapters for the sans-IO sessions, and connection limits."""
