"""An ERP's own SQLAlchemy application that writes each sale and clientcare's purchase in ONE transaction.

    python examples/erp/erp.py postgresql+psycopg://erp@db/erp
    python examples/erp/erp.py sqlite:///erp.db

The ERP owns its tables (``erp_sales``) and their Alembic history (version
table ``erp_alembic_version``); clientcare owns ``cc_*`` and its history
(``clientcare_alembic_version``) in the same database. A sale is the ERP's
row plus clientcare's purchase: ``care.within(conn)`` runs clientcare's use
case on the ERP's connection, inside the ERP's transaction, so the two
commit together or not at all (the purchase's events and reaction jobs
included). Running the script again is safe: it finds the customer it
registered and records one more sale.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Column, Connection, DateTime, Engine, Integer, MetaData, Numeric, String, Table, func, select

import clientcare
from clientcare.adapters.sqlalchemy import create_clientcare_engine, current_revision
from clientcare.adapters.sqlalchemy import metadata as clientcare_metadata
from clientcare.errors import ClientcareError

HERE = Path(__file__).resolve().parent
#: The ERP's Alembic version table: its history never mixes with clientcare's.
VERSION_TABLE = "erp_alembic_version"
TENANT = "erp-demo"
PHONE = "138 0013 8000"

erp_metadata = MetaData()
#: As migration erp_0001 creates it; the metadata is what the ERP's autogenerate compares with.
erp_sales = Table(
    "erp_sales",
    erp_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(64), nullable=True),
    Column("style_no", String(50), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Numeric(12, 2), nullable=False),
    Column("sold_at", DateTime(timezone=True), nullable=False),
)
#: clientcare's purchases, read here only to show that both sides agree.
cc_purchases = clientcare_metadata.tables["cc_purchases"]


def only_erp_tables(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: the ERP's autogenerate compares its own tables, never clientcare's."""
    return type_ != "table" or (name or "").startswith("erp_")


def migrate(engine: Engine) -> str | None:
    """Bring the ERP's own tables to its newest migration; returns the ERP's revision."""
    config = Config(str(HERE / "alembic.ini"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def write_sale(
    conn: Connection, care: clientcare.Clientcare, customer_id: str, *, style_no: str, price: str, quantity: int = 1
) -> int:
    """The ERP's row, then clientcare's purchase, on one connection; the caller's transaction decides."""
    sale_id: int = conn.execute(
        erp_sales.insert().values(
            customer_id=customer_id,
            style_no=style_no,
            quantity=quantity,
            unit_price=Decimal(price),
            sold_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]
    # A facade bound to this connection: its use case is a savepoint in our transaction,
    # and it neither begins nor commits that transaction.
    shop = care.within(conn)
    # The ERP's sale id is the receipt: a till retry of the same sale is recorded once.
    shop.purchases.record(
        customer_id, [shop.purchases.line(style_no, price, quantity)], receipt_id=f"ERP-{sale_id}", staff_id="小李"
    )
    return sale_id


def record_sale(engine: Engine, care: clientcare.Clientcare, customer_id: str, style_no: str, price: str) -> int:
    """One sale, one transaction: both rows commit, or an exception rolls both back."""
    with engine.begin() as conn:
        return write_sale(conn, care, customer_id, style_no=style_no, price=price)


def counts(engine: Engine) -> tuple[int, int]:
    """Sales in the ERP, and purchases clientcare holds for them."""
    with engine.connect() as conn:
        sales = conn.execute(select(func.count()).select_from(erp_sales)).scalar_one()
        purchases = conn.execute(
            select(func.count())
            .select_from(cc_purchases)
            .where(cc_purchases.c.tenant == TENANT, cc_purchases.c.receipt_id.like("ERP-%"))
        ).scalar_one()
    return sales, purchases


def main(url: str) -> None:
    """Migrate both histories, sell once, show two failures leaving nothing behind."""
    # The ERP's engine. On SQLite it must carry clientcare's savepoint recipe, which
    # create_clientcare_engine applies; on PostgreSQL any engine of the ERP will do.
    engine = create_clientcare_engine(url)
    erp_revision = migrate(engine)
    # clientcare's tables, upgraded under its own lock (safe when several ERP processes start together).
    care = clientcare.connect(url, tenant=TENANT, engine=engine, upgrade=True)
    print(f"ERP on {engine.dialect.name}: erp_sales at {erp_revision}, clientcare at {current_revision(engine)}")

    found = care.customers.find_by_phone(PHONE)
    fang = found or care.customers.register("王芳", PHONE, store="静安店", by="小李")
    print("the customer is", "already in the archive" if found else "registered")

    before = counts(engine)
    sale_id = record_sale(engine, care, fang.id, "QY-2301", "899.00")
    after = counts(engine)
    print(
        f"sale {sale_id} recorded: ERP sales {before[0]} -> {after[0]}, clientcare purchases {before[1]} -> {after[1]}"
    )

    # clientcare refuses the line (a negative price): the exception leaves the ERP's
    # `with engine.begin()` block, which rolls back the ERP's row written just before.
    try:
        record_sale(engine, care, fang.id, "QY-2301", "-1.00")
    except ClientcareError as error:
        print(f"refused by clientcare ({error}): nothing stored, ERP sales still {counts(engine)[0]}")

    # The ERP fails after both writes (its stock check, its ledger): neither row stays.
    try:
        with engine.begin() as conn:
            write_sale(conn, care, fang.id, style_no="KZ-1102", price="459.00")
            raise LookupError("stock: style KZ-1102 sold out")
    except LookupError:
        print(f"the ERP failed after both writes: both rolled back, {counts(engine)} (ERP sales, purchases)")

    # Nothing was told before the ERP committed: now run the reactions between areas;
    # the events wait in the outbox for a relay (clientcare.adapters.relays).
    care.events.react()
    print(f"outbox messages waiting for the relay: {len(care.events.pending(limit=1000))}")
    assert counts(engine)[0] == counts(engine)[1], "the ERP and clientcare never disagree"
    care.close()
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{HERE / 'erp.db'}")
