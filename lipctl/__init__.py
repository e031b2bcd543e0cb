"""lipctl: administration of the City of Hannover's Local Integration Plan (LIP 2.0)."""

__version__ = "0.1.0"
