"""Reelwatch: a desktop monitor for OpenAI-format video generation jobs."""

__version__ = "0.1.0"
