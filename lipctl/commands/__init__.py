"""Thin Typer command modules: parse options, call one service, emit the result."""
