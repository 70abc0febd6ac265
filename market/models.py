"""Marketplace tables: cooperatives, their members, products, photos, orders and order history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

# lms's own declarative base (`db.Base`): the marketplace's tables share its metadata so their
# foreign keys to `users` resolve; lms.plugins recognises that base and adds no second metadata.
# Their migrations still live in market/migrations, the plugin's own chain.
from lms import db
from lms.auth.models import User
from lms.i18n import localised


class Cooperative(db.Base):
    __tablename__ = "market_cooperatives"
    __table_args__ = (
        CheckConstraint("women_count >= 0 AND women_count <= members_count", name="women_range"),
        CheckConstraint("youth_count >= 0 AND youth_count <= members_count", name="youth_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    region: Mapped[str] = mapped_column(String(40), index=True)
    commune: Mapped[str] = mapped_column(String(120), default="")
    year_founded: Mapped[int | None] = mapped_column(Integer)
    members_count: Mapped[int] = mapped_column(Integer)
    women_count: Mapped[int] = mapped_column(Integer, default=0)
    youth_count: Mapped[int] = mapped_column(Integer, default=0)
    story: Mapped[str] = mapped_column(Text, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Shown only to buyers whose order was accepted (bank transfer is a payment method).
    bank_details: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: The launched project it was made from (its registration number or name), if any.
    source_project: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        db.UTCDateTime, default=db.utcnow, onupdate=db.utcnow
    )

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="cooperative", cascade="all, delete-orphan"
    )
    products: Mapped[list[Product]] = relationship(back_populates="cooperative")
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="and_(Photo.cooperative_id == Cooperative.id, Photo.product_id.is_(None))",
        order_by="Photo.id",
        viewonly=True,
    )

    @hybrid_property
    def women_led(self) -> bool:
        """Women-led as the programmes count it: women are more than half of the members.

        One rule for a cooperative in Python and for a query (`.where(Cooperative.women_led)`).
        """
        return self.women_count * 2 > self.members_count


class Membership(db.Base):
    __tablename__ = "market_memberships"
    __table_args__ = (UniqueConstraint("cooperative_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("market_cooperatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")  # owner | member
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    cooperative: Mapped[Cooperative] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Product(db.Base):
    __tablename__ = "market_products"
    __table_args__ = (
        CheckConstraint("quantity_available >= 0", name="stock_not_negative"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("minimum_order >= 1", name="minimum_positive"),
        Index("ix_market_products_listing", "published", "published_at"),
        # Full-text search on PostgreSQL only (market.search uses this very expression).
        Index(
            "ix_market_products_search",
            text("to_tsvector('simple'::regconfig, search_text)"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("market_cooperatives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict] = mapped_column(JSON)  # {lang: text}
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    category: Mapped[str] = mapped_column(String(32), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), index=True)
    unit: Mapped[str] = mapped_column(String(16))
    quantity_available: Mapped[int] = mapped_column(Integer, default=0)
    minimum_order: Mapped[int] = mapped_column(Integer, default=1)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(db.UTCDateTime)
    #: Titles, descriptions and cooperative name, normalised (lower case, no accents or
    #: harakat) so one search serves French and Arabic; PostgreSQL indexes it with GIN.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        db.UTCDateTime, default=db.utcnow, onupdate=db.utcnow
    )

    cooperative: Mapped[Cooperative] = relationship(back_populates="products")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="product", order_by="Photo.id", cascade="all, delete-orphan"
    )

    def title_in(self, language: str | None = None) -> str:
        return localised(self.title, language)

    def description_in(self, language: str | None = None) -> str:
        return localised(self.description, language)


class Photo(db.Base):
    """A picture, stored re-encoded in two sizes (in the database: saved or lost with its row)."""

    __tablename__ = "market_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("market_cooperatives.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_products.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    # Deferred: listing pages load photo rows for their sizes, never the bytes.
    small: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    small_width: Mapped[int] = mapped_column(Integer)
    small_height: Mapped[int] = mapped_column(Integer)
    large: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    large_width: Mapped[int] = mapped_column(Integer)
    large_height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    product: Mapped[Product | None] = relationship(back_populates="photos")


class Order(db.Base):
    __tablename__ = "market_orders"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("market_products.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("market_cooperatives.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # the price when ordered
    unit: Mapped[str] = mapped_column(String(16))
    delivery_region: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    payment_method: Mapped[str] = mapped_column(String(20))  # on_delivery | bank_transfer
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        db.UTCDateTime, default=db.utcnow, onupdate=db.utcnow
    )

    product: Mapped[Product] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    buyer: Mapped[User] = relationship()
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderEvent(db.Base):
    """One step of an order's history: who moved it to which status, when, and why."""

    __tablename__ = "market_order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("market_orders.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.UTCDateTime, default=db.utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()
