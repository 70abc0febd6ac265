"""Finding things to buy: product search (PostgreSQL full text with GIN, SQLite LIKE), the feed of
new products and the cooperatives directory."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, literal_column, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from market.models import Cooperative, Product

PER_PAGE = 24
SORTS = ("newest", "price_asc", "price_desc")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_WORD = re.compile(r"[^\W_]+")  # letters and digits, in any script


def normalise(text: str) -> str:
    """Lower case, without accents, harakat or tatweel, Arabic letter variants unified.

    Done in Python for both the stored text and the query, so PostgreSQL (`simple` config) and
    SQLite compare the same forms: "Huile d'ARGANE" finds "huile d'argane", "زيت" finds "زَيْت".
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) or "\u0600" <= ch <= "\u06ff")
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    return unicodedata.normalize("NFC", text)


def search_document(product: Product, cooperative: Cooperative) -> str:
    parts = [*product.title.values(), *(product.description or {}).values(), cooperative.name]
    return " ".join(_WORD.findall(normalise(" ".join(p for p in parts if p))))


def terms(query: str) -> list[str]:
    return _WORD.findall(normalise(query))[:8]  # a handful of words is a search, more is noise


@dataclass
class Filters:
    query: str = ""
    category: str = ""
    region: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    women_led: bool = False
    sort: str = "newest"
    page: int = 1


@dataclass
class Results:
    products: list[Product]
    total: int
    page: int
    pages: int


def search(session: Session, filters: Filters, per_page: int = PER_PAGE) -> Results:
    """Published products matching the filters, with their cooperative loaded."""
    stmt = (
        select(Product)
        .join(Product.cooperative)
        .options(contains_eager(Product.cooperative), selectinload(Product.photos))
        .where(Product.published.is_(True))
    )
    stmt = _match(stmt, terms(filters.query), session.get_bind().dialect.name)
    if filters.category:
        stmt = stmt.where(Product.category == filters.category)
    if filters.region:
        stmt = stmt.where(Cooperative.region == filters.region)
    if filters.price_min is not None:
        stmt = stmt.where(Product.price >= filters.price_min)
    if filters.price_max is not None:
        stmt = stmt.where(Product.price <= filters.price_max)
    if filters.women_led:
        stmt = stmt.where(Cooperative.women_led)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    order = {
        "price_asc": (Product.price.asc(), Product.id.desc()),
        "price_desc": (Product.price.desc(), Product.id.desc()),
    }.get(filters.sort, (Product.published_at.desc(), Product.id.desc()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    rows = session.scalars(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    return Results(list(rows.unique()), total, page, pages)


def newest(session: Session, limit: int) -> list[Product]:
    """The latest products put on sale (the Atom feed)."""
    return list(
        session.scalars(
            select(Product)
            .where(Product.published.is_(True))
            .order_by(Product.published_at.desc(), Product.id.desc())
            .limit(limit)
        )
    )


def cooperatives(session: Session, region: str = "", women_led: bool = False) -> list[Cooperative]:
    """The cooperatives directory, by name, of one region (all when empty), women-led or all."""
    stmt = select(Cooperative).order_by(Cooperative.name)
    if region:
        stmt = stmt.where(Cooperative.region == region)
    if women_led:
        stmt = stmt.where(Cooperative.women_led)
    return list(session.scalars(stmt))


def _match(stmt: Select, words: list[str], dialect: str) -> Select:
    if not words:
        return stmt
    if dialect == "postgresql":
        # Words are \w+ only, so they are safe inside to_tsquery; ":*" matches word prefixes.
        tsquery = " & ".join(f"{word}:*" for word in words)
        return stmt.where(
            func.to_tsvector(literal_column("'simple'::regconfig"), Product.search_text).op("@@")(
                func.to_tsquery(literal_column("'simple'::regconfig"), tsquery)
            )
        )
    for word in words:  # SQLite: every word must start a word of the document
        stmt = stmt.where(
            or_(Product.search_text.like(f"{word}%"), Product.search_text.like(f"% {word}%"))
        )
    return stmt
