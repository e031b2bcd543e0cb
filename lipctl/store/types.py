"""Column aliases for the typed models (warehouse style)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import mapped_column

IntPK = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
Slug = Annotated[str, mapped_column(String(80), nullable=False, unique=True)]
Name = Annotated[str, mapped_column(String(200), nullable=False)]
OptName = Annotated[str | None, mapped_column(String(200), nullable=True)]
LongText = Annotated[str | None, mapped_column(Text, nullable=True)]
Actor = Annotated[str, mapped_column(String(120), nullable=False)]
Timestamp = Annotated[dt.datetime, mapped_column(nullable=False)]


def fk(target: str, *, nullable: bool = False, index: bool = True, ondelete: str | None = None):
    """A foreign-key column (RESTRICT by default: nothing that is referenced is deleted)."""
    return mapped_column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)
