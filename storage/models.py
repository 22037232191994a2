"""The peewee models. Money is integer cents in the database and `Decimal` in Python.

Times are naive UTC datetimes. `Order.placed_day` is the order's date in the shop's
timezone, kept beside `placed_at` so that the month calendar is one indexed GROUP BY on
both databases (the timezone it was computed in is recorded in `Meta`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


_CENT = Decimal("0.01")


class MoneyField(IntegerField):
    """A Decimal amount in euros stored as integer cents (exact: digits below the cent refused)."""

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, int):
            return value
        amount = Decimal(value)
        if amount != amount.quantize(_CENT):
            raise ValueError(f"amount has digits below the cent: {amount}")
        return int(amount * 100)

    def python_value(self, value: Any) -> Any:
        return None if value is None else Decimal(f"{int(value)}e-2")


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the database itself (schema version, timezone of placed_day)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Profile(BaseModel):
    """The seller: one row (id 1)."""

    id = AutoField()
    name = TextField(default="")
    address = TextField(default="")
    email = TextField(default="")
    mobile = TextField(default="")
    siret = TextField(default="")
    vat_number = TextField(default="")
    point_of_sale = TextField(default="")
    iban = TextField(default="")
    legal_form = TextField(default="")
    share_capital = TextField(default="")
    registry = TextField(default="")
    registry_number = TextField(default="")
    vat_regime = TextField(default="normal")
    vat_exemption = TextField(default="")
    updated_at = DateTimeField(null=True)


class Order(BaseModel):
    """An order placed on the marketplace."""

    id = AutoField()
    number = CharField(max_length=64, unique=True)
    placed_at = DateTimeField()  # UTC
    placed_day = DateField()  # in the shop's timezone
    customer_name = TextField()
    customer_email = TextField()
    customer_address = TextField(default="")
    customer_mobile = TextField(null=True)
    fulfilment_mode = CharField(max_length=16)  # pickup | delivery
    fulfilment_details = TextField(default="")
    shipping_fee = MoneyField(default=0)
    total = MoneyField()
    status = CharField(max_length=16)
    payment = CharField(max_length=16, default="ok")
    version = IntegerField(default=1)
    refund = MoneyField(default=0)
    cancel_reason = TextField(null=True)
    # A business customer: {"name", "siren", "vat_number"} as JSON; NULL for a consumer.
    customer_company = TextField(null=True)
    # When the order entered its status (NULL: since `created_at`, it has not changed since).
    status_at = DateTimeField(null=True)
    # Lower-cased number, customer name, email, mobile and products, for `/` search.
    search_text = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "orders"  # "order" is an SQL keyword
        indexes = (
            # Covering index of the month calendar: one range scan, no table access.
            (("placed_day", "status", "total"), False),
            (("placed_at",), False),
            (("customer_name",), False),
            (("status", "placed_at"), False),
        )


class OrderLine(BaseModel):
    """One product line of an order."""

    id = AutoField()
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE", index=True)
    if TYPE_CHECKING:  # the column peewee adds beside each foreign key
        order_id: int
    position = IntegerField()
    product = TextField()
    category = TextField(default="")
    seller = TextField(default="")
    unit_price = MoneyField()
    quantity = IntegerField()
    vat_rate = CharField(max_length=8)  # "20.00", kept as text: an exact Decimal
    total = MoneyField()
    # The line checklist of the preparation: who ticked it as prepared, and when (UTC).
    prepared_at = DateTimeField(null=True)
    prepared_by = TextField(null=True)

    @property
    def rate(self) -> Decimal:
        return Decimal(self.vat_rate)


class StatusChange(BaseModel):
    """The order's history: every change, who made it, and why."""

    id = AutoField()
    order = ForeignKeyField(Order, backref="history", on_delete="CASCADE", index=True)
    if TYPE_CHECKING:  # the column peewee adds beside each foreign key
        order_id: int
    at = DateTimeField()
    by = TextField()
    from_status = CharField(max_length=16, null=True)
    to_status = CharField(max_length=16)
    reason = TextField(null=True)
    kind = CharField(max_length=16, default="change")  # intake | change | undo
    undone = BooleanField(default=False)


class Notification(BaseModel):
    """The outbox: a message owed to someone, written in the same transaction as its cause.

    `recipient` is NULL for the seller until sent: it is read from the profile at sending
    time, so that a profile completed later still gets the message. `snapshot` is the order
    as it was when the message was queued (app.orders.view.OrderView.to_dict as JSON): the
    message shows it, not the order as it is when it leaves. `superseded_by` is the id of the
    newer message that replaced this one (state `superseded`). States: app.messages.states.
    """

    id = AutoField()
    order = ForeignKeyField(Order, backref="notifications", on_delete="CASCADE", index=True)
    change = ForeignKeyField(StatusChange, null=True, backref="notifications", on_delete="SET NULL")
    if TYPE_CHECKING:  # the column peewee adds beside each foreign key
        order_id: int
        change_id: int | None
    audience = CharField(max_length=16)  # customer | seller
    channel = CharField(max_length=8)  # mail | sms
    template = CharField(max_length=32)  # new_order | status | document
    order_status = CharField(max_length=16)  # the status the message tells about
    lang = CharField(max_length=4, default="fr")
    recipient = TextField(null=True)
    state = CharField(max_length=16, default="pending")
    due_at = DateTimeField()
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    lease_owner = CharField(max_length=64, null=True)
    lease_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField()
    created_by = TextField(default="")
    # A `document` mail's PDF, rendered at sending time: "document:F2021-000001" (an issued
    # invoice or credit note), "order" (the order's PDF) or "slip" (its packing slip).
    attachment = TextField(null=True)
    snapshot = TextField(null=True)
    superseded_by = IntegerField(null=True)
    # What a message tells beyond the order itself (a removed line, a reminder's rank), JSON.
    detail = TextField(null=True)

    class Meta:
        indexes = ((("state", "due_at"), False),)


class OrderEvent(BaseModel):
    """What happens to an order besides status changes: line ticks, staff notes, removed
    lines, reminders. Shown in its history; `data` is JSON (what an undo needs)."""

    id = AutoField()
    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE", index=True)
    at = DateTimeField()
    by = TextField(default="")
    kind = CharField(max_length=16)  # prepared | unprepared | note | removed | reminder
    text = TextField(default="")
    data = TextField(null=True)
    undone = BooleanField(default=False)


class DocumentSequence(BaseModel):
    """The last number issued per kind (F invoice, A credit note) and year: gap-free."""

    kind = CharField(max_length=1)
    year = IntegerField()
    last = IntegerField(default=0)
    # On the row of year 0 of each kind (the series' lock): the last issue moment (UTC), so
    # that a number is never dated before the one before it.
    last_at = DateTimeField(null=True)

    class Meta:
        primary_key = CompositeKey("kind", "year")


class Document(BaseModel):
    """An invoice or a credit note. Never deleted, never renumbered."""

    id = AutoField()
    number = CharField(max_length=20, unique=True)  # F2021-000001 / A2021-000001
    kind = CharField(max_length=8)  # invoice | credit
    order = ForeignKeyField(Order, backref="documents", on_delete="RESTRICT", index=True)
    issued_at = DateTimeField()
    amount = MoneyField()  # TTC; a credit note's amount is positive and refunds it
    refers_to = ForeignKeyField("self", null=True, backref="credit_notes")
    # Everything the document shows, frozen when it was issued (JSON): it is rendered from
    # this alone. NULL only for documents issued before records existed, until first read.
    record = TextField(null=True)

    class Meta:
        indexes = ((("issued_at",), False),)


class DocumentWording(BaseModel):
    """The words of the documents' templates in each language, as they were when documents
    were issued: one row per distinct wording (its hash), named by each document's record."""

    key = CharField(primary_key=True, max_length=64)
    texts = TextField()


class Staff(BaseModel):
    """A staff member who signs in (optional)."""

    id = AutoField()
    name = CharField(max_length=64, unique=True)
    password_hash = TextField()
    disabled = BooleanField(default=False)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)  # UTC; sign-in refused until then
    created_at = DateTimeField()


class WebhookDelivery(BaseModel):
    """A delivery the intake endpoint accepted, by its webhook-id: a replay of it (after a
    restart too) is answered « déjà connue » without a write. Written in the transaction of
    the orders it brought."""

    webhook_id = CharField(primary_key=True, max_length=255)
    received_at = DateTimeField()
    orders = TextField(default="")  # the delivery's order numbers, space-separated

    class Meta:
        table_name = "webhook_deliveries"


class MarketplaceMessage(BaseModel):
    """The body of a `marketplace` outbox message, frozen with the change that owes it, and
    its webhook-id: every attempt sends the same bytes under the same id."""

    notification = ForeignKeyField(
        Notification, primary_key=True, backref="marketplace", on_delete="CASCADE"
    )
    webhook_id = CharField(max_length=64, unique=True)
    body = TextField()

    class Meta:
        table_name = "marketplace_messages"


ALL_MODELS: list[type[BaseModel]] = [
    Meta,
    Profile,
    Order,
    OrderLine,
    StatusChange,
    Notification,
    DocumentSequence,
    Document,
    DocumentWording,
    Staff,
    OrderEvent,
    WebhookDelivery,
    MarketplaceMessage,
]
