"""Lindung: employment social-security (Jamsostek) coverage platform."""

__version__ = "0.1.0"
