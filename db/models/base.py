"""The declarative base and the column types every table uses.

Times are stored as naive UTC (`UTCDateTime`) so SQLite and PostgreSQL hold the
same values; code always sees aware datetimes. Enumerations are stored as short
English strings (`open`, `leader`, …) in VARCHAR columns with CHECK constraints, so
the schema stays portable and readable in a SQL shell, and are typed (and read
back) as their `StrEnum` (`EnumString`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    QueryableAttribute,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class EnumString(TypeDecorator[E]):
    """A `StrEnum` column stored as its value in a VARCHAR, read back as the member.

    Not `sqlalchemy.Enum`: the schema stays the plain VARCHAR the migrations made,
    and each table declares its own CHECK (or none, as for outbox kinds). Strings
    are accepted on the way in (`'open'` as well as `TaskState.OPEN`) but must be
    one of the values, so a typo fails before it reaches the database.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: E | str | None, dialect: object) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: object) -> E | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, date: Date}


def varchar_length(attribute: QueryableAttribute[Any]) -> int:
    """The length a string column is declared with, so input checks follow the schema."""
    type_ = attribute.expression.type
    if not isinstance(type_, String) or type_.length is None:
        raise TypeError(f"{attribute} is not a VARCHAR with a length")
    return type_.length


def check_in(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")
