"""Rendering of the status summary and the committee briefing (templates, CSS, inline SVG)."""
