"""Rendering: one place decides between a rich table, plain text, JSON, CSV and Markdown."""
