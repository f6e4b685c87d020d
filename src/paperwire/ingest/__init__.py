"""Ingestion: parsers (no DB code) for arXiv OAI-PMH, API, RSS and files, and one service that writes."""
