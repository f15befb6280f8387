"""The SQLAlchemy Core tables of clientcare: typed, explicit, one ``MetaData``.

Every table starts with ``tenant`` and every key and index leads with it, so
each query of the adapter is a tenant-scoped index lookup. Text that is
compared (ids, phones, receipt ids, names, tags) uses a binary collation on
MariaDB, whose default collations ignore case and accents. PostgreSQL keeps
the database collation (its equality is exact anyway), so that its indexes
serve bound parameters; names are sorted there with ``COLLATE "C"`` in the
query, so search order is by code point everywhere, as in memory.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.sql.schema import SchemaItem
from sqlalchemy.types import TypeEngine

__all__ = [
    "ID_LENGTH",
    "TENANT_LENGTH",
    "TOUCH_KEY_LENGTH",
    "appointments",
    "customer_aliases",
    "customer_tags",
    "customers",
    "document_column",
    "document_table",
    "follow_ups",
    "key_string",
    "metadata",
    "notes",
    "outbox",
    "outbox_leases",
    "purchase_lines",
    "purchases",
    "reactions",
    "recurring_rules",
    "sale_credits",
    "timestamp",
    "touches",
    "wishes",
]

TENANT_LENGTH = 64
ID_LENGTH = 64
#: A touch key is customer id, reason, occasion and a reference (a label of up to 100 characters).
TOUCH_KEY_LENGTH = 320

#: Constraint names are predictable: migrations and error translation rely on them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s_%(column_1_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def key_string(length: int) -> TypeEngine[str]:
    """A VARCHAR compared exactly on every backend (binary collation on MariaDB)."""
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def document_column() -> TypeEngine[str]:
    """Unbounded text for JSON documents (LONGTEXT on MariaDB, whose TEXT stops at 64 kB)."""
    return Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def timestamp() -> TypeEngine[object]:
    """A UTC moment stored without zone, to the microsecond on every backend."""
    return DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")  # type: ignore[return-value]


def document_table(name: str, *extra: SchemaItem, meta: MetaData | None = None) -> Table:
    """A table for an aggregate kept as a JSON document (see :class:`DocumentRepository`).

    It has ``tenant``, ``id`` (the primary key together), ``version`` and
    ``document``; ``extra`` adds the typed columns and indexes the lookups
    need (lead every index with ``tenant``). ``meta`` defaults to clientcare's.
    """
    return Table(
        name,
        meta if meta is not None else metadata,
        _tenant(),
        _id(),
        Column("version", Integer, nullable=False),
        *extra,
        Column("document", document_column(), nullable=False),
        PrimaryKeyConstraint("tenant", "id"),
    )


def _tenant() -> Column[str]:
    return Column("tenant", key_string(TENANT_LENGTH), nullable=False)


def _id(name: str = "id") -> Column[str]:
    return Column(name, key_string(ID_LENGTH), nullable=False)


customers = Table(
    "cc_customers",
    metadata,
    _tenant(),
    _id(),
    Column("version", Integer, nullable=False),
    Column("name", key_string(100), nullable=False),
    Column("name_fold", key_string(400), nullable=False),
    Column("phone", key_string(32), nullable=True),
    Column("registered_at", timestamp(), nullable=False),
    Column("is_key", Boolean, nullable=False),
    Column("reviewed_at", timestamp(), nullable=True),
    Column("erased_at", timestamp(), nullable=True),
    Column("document", document_column(), nullable=False),
    PrimaryKeyConstraint("tenant", "id"),
    UniqueConstraint("tenant", "phone"),
    Index("ix_cc_customers_tenant_name", "tenant", "name", "id"),
)
#: PostgreSQL only, made by migration 0014 and not declared here: an index on
#: (tenant, name COLLATE "C", id COLLATE "C") for customer pages in code point
#: order. Alembic cannot compare expression indexes, so the drift tests skip it.
CODEPOINT_NAME_INDEX = "ix_cc_customers_tenant_name_c"

#: A merged customer's id and the kept customer's id it resolves to (migration 0007).
customer_aliases = Table(
    "cc_customer_aliases",
    metadata,
    _tenant(),
    _id("alias_id"),
    _id("customer_id"),
    PrimaryKeyConstraint("tenant", "alias_id"),
    Index("ix_cc_customer_aliases_customer", "tenant", "customer_id"),
)

customer_tags = Table(
    "cc_customer_tags",
    metadata,
    _tenant(),
    Column("tag", key_string(50), nullable=False),
    _id("customer_id"),
    PrimaryKeyConstraint("tenant", "tag", "customer_id"),
    ForeignKeyConstraint(["tenant", "customer_id"], ["cc_customers.tenant", "cc_customers.id"], ondelete="CASCADE"),
    Index("ix_cc_customer_tags_customer", "tenant", "customer_id"),
)

purchases = Table(
    "cc_purchases",
    metadata,
    _tenant(),
    _id(),
    Column("version", Integer, nullable=False),
    Column("customer_id", key_string(ID_LENGTH), nullable=True),
    Column("occurred_at", timestamp(), nullable=False),
    Column("utc_offset", SmallInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("amount_e4", BigInteger, nullable=False),
    Column("amount_scale", SmallInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("store_id", key_string(ID_LENGTH), nullable=True),
    Column("staff_id", key_string(ID_LENGTH), nullable=True),
    Column("receipt_id", key_string(64), nullable=True),
    Column("original_id", key_string(ID_LENGTH), nullable=True),
    Column("condition_reports", document_column(), nullable=True),
    PrimaryKeyConstraint("tenant", "id"),
    UniqueConstraint("tenant", "receipt_id"),
    Index("ix_cc_purchases_customer", "tenant", "customer_id", "occurred_at"),
    # Partial where the engine has them (migration 0009): imported sales never have an original.
    Index(
        "ix_cc_purchases_original",
        "tenant",
        "original_id",
        sqlite_where=text("original_id IS NOT NULL"),
        postgresql_where=text("original_id IS NOT NULL"),
    ),
)

purchase_lines = Table(
    "cc_purchase_lines",
    metadata,
    _tenant(),
    _id("purchase_id"),
    Column("position", SmallInteger, nullable=False),
    Column("style_no", key_string(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_e4", BigInteger, nullable=False),
    Column("price_scale", SmallInteger, nullable=False),
    Column("size", String(50), nullable=True),
    Column("colour", String(50), nullable=True),
    Column("structure", String(100), nullable=True),
    Column("description", String(300), nullable=True),
    Column("full_price", Boolean, nullable=False),
    # The key only (migration 0009): every query reaches lines through their purchase.
    PrimaryKeyConstraint("tenant", "purchase_id", "position"),
)

notes = Table(
    "cc_notes",
    metadata,
    _tenant(),
    _id(),
    Column("version", Integer, nullable=False),
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("author", key_string(64), nullable=False),
    Column("written_at", timestamp(), nullable=False),
    Column("search_fold", document_column(), nullable=False),
    Column("document", document_column(), nullable=False),
    PrimaryKeyConstraint("tenant", "id"),
    Index("ix_cc_notes_customer", "tenant", "customer_id", "written_at"),
    Index("ix_cc_notes_written", "tenant", "written_at"),
)

outbox = Table(
    "cc_outbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    _tenant(),
    Column("name", String(100), nullable=False),
    Column("occurred_at", timestamp(), nullable=False),
    Column("payload", document_column(), nullable=False),
    Index("ix_cc_outbox_tenant", "tenant", "id"),
)

#: Which relay publishes a tenant's outbox, and until when (migration 0012): one row per tenant.
outbox_leases = Table(
    "cc_outbox_leases",
    metadata,
    _tenant(),
    Column("holder", key_string(ID_LENGTH), nullable=False),
    Column("lease_until", timestamp(), nullable=False),
    PrimaryKeyConstraint("tenant"),
)

#: Reaction jobs (issue 12): one row per (durable handler, event), written with the event's
#: transaction and deleted when the handler has run; ``attempts``/``retry_at`` hold its failures.
reactions = Table(
    "cc_reactions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    _tenant(),
    Column("handler", key_string(64), nullable=False),
    Column("event_name", String(100), nullable=False),
    Column("payload", document_column(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("reason", String(100), nullable=True),
    Column("retry_at", timestamp(), nullable=True),
    Index("ix_cc_reactions_tenant", "tenant", "handler", "attempts", "id"),
)


# -- follow-up cadences (P20–P35): JSON documents plus the columns their lookups need ------------
# The status and due columns sit inside each board index, after owner or store, so "my board
# today" reads only open touches of one owner whatever the history; see docs/cadences.md.

touches = document_table(
    "cc_touches",
    Column("key", key_string(TOUCH_KEY_LENGTH), nullable=False),
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("reason", String(20), nullable=False),
    Column("status", String(12), nullable=False),
    Column("due", Date, nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("owner", key_string(ID_LENGTH), nullable=True),
    Column("store_id", key_string(ID_LENGTH), nullable=True),
    Column("automated", Boolean, nullable=False),
    Column("sequence_id", key_string(ID_LENGTH), nullable=True),
    Column("sequence_no", Integer, nullable=True),
    Column("closed_at", timestamp(), nullable=True),
    Column("closed_by", key_string(ID_LENGTH), nullable=True),
    Column("lease_until", timestamp(), nullable=True),
    UniqueConstraint("tenant", "key"),
    Index("ix_cc_touches_customer", "tenant", "customer_id", "due"),
    # The daily run's stored keys of a batch's customers, from the index alone (migration 0010).
    Index("ix_cc_touches_customer_keys", "tenant", "customer_id", "reason", "key"),
    Index("ix_cc_touches_owner", "tenant", "owner", "status", "due"),
    Index("ix_cc_touches_store", "tenant", "store_id", "status", "due"),
    Index("ix_cc_touches_status", "tenant", "status", "due"),
    Index("ix_cc_touches_dispatch", "tenant", "status", "automated", "due", "priority"),
    Index("ix_cc_touches_sequence", "tenant", "sequence_id", "sequence_no"),
    Index("ix_cc_touches_closed", "tenant", "closed_at"),
)

appointments = document_table(
    "cc_appointments",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("staff_id", key_string(ID_LENGTH), nullable=True),
    Column("status", String(12), nullable=False),
    Column("starts_at", timestamp(), nullable=False),
    Index("ix_cc_appointments_starts", "tenant", "starts_at"),
    Index("ix_cc_appointments_staff", "tenant", "staff_id", "starts_at"),
    Index("ix_cc_appointments_status", "tenant", "status", "starts_at"),
)

follow_ups = document_table(
    "cc_follow_ups",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("status", String(12), nullable=False),
    Column("started_at", timestamp(), nullable=False),
    Index("ix_cc_follow_ups_customer", "tenant", "customer_id", "status"),
)

wishes = document_table(
    "cc_wishes",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("style_no", key_string(64), nullable=False),
    Column("registered_at", timestamp(), nullable=False),
    Column("arrived_at", timestamp(), nullable=True),
    Index("ix_cc_wishes_style", "tenant", "style_no", "arrived_at"),
)

recurring_rules = document_table(
    "cc_recurring_rules",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
    Index("ix_cc_recurring_rules_ends", "tenant", "ends_on", "starts_on"),
)

sale_credits = document_table(
    "cc_sale_credits",
    Column("customer_id", key_string(ID_LENGTH), nullable=False),
    Column("occurred_at", timestamp(), nullable=False),
    Index("ix_cc_sale_credits_occurred", "tenant", "occurred_at"),
)
