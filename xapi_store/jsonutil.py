"""JSON for the LRS: orjson on the hot paths (standard library otherwise), and the limits on
what a client's JSON may be (depth, surrogates, number range)."""

import json
import math

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency, this keeps a checkout usable
    orjson = None


# How deeply a client's JSON may nest (statements, batches, documents, parameters), counting
# the outermost array or object as 1. A statement's own structure takes about 10 levels
# (batch > statement > SubStatement > context > contextActivities > ... > extensions), so 64
# leaves over 50 for extension values, while every later step (copies for format=ids or
# canonical, serialisers, PostgreSQL's jsonb) stays far from its recursion limits.
MAX_DEPTH = 64
TOO_DEEP = f"JSON nested deeper than {MAX_DEPTH} levels (this LRS's limit)"


class UnsafeJSON(ValueError):
    """JSON the LRS refuses although its syntax parses: nested deeper than MAX_DEPTH, a lone
    surrogate (no UTF-8 text nor PostgreSQL's jsonb can hold one), U+0000, or a number beyond
    floats."""


def loads(data: bytes | str):
    """Parse JSON a client sent; ValueError if it is not JSON, UnsafeJSON (a ValueError) if it
    is JSON the LRS must not keep. Inputs orjson refuses for other reasons (integers beyond 64
    bits) are left to the standard library, so the LRS accepts what `json` accepts."""
    if orjson is None:  # pragma: no cover
        value = _loads_standard(data)
    else:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if str(exc).startswith("depth limit"):
                raise UnsafeJSON(TOO_DEEP) from None
            value = _loads_standard(data)
    if nested_deeper_than(value, MAX_DEPTH):
        raise UnsafeJSON(TOO_DEEP)
    # JSON can carry U+0000 only escaped; PostgreSQL's jsonb and text refuse it (SQLite would
    # keep it): refused everywhere, so both databases answer the same.
    escaped_nul = b"\\u0000" if isinstance(data, bytes) else "\\u0000"
    if escaped_nul in data and _holds_nul(value):
        raise UnsafeJSON("a string holds U+0000, which this LRS does not store")
    return value


def _holds_nul(value) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is str:
            if "\x00" in item:
                return True
        elif type(item) is dict:
            pending.extend(item.keys())
            pending.extend(item.values())
        elif type(item) is list:
            pending.extend(item)
    return False


def _loads_standard(data: bytes | str):
    try:
        value = json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise UnsafeJSON(TOO_DEEP) from None
    if nested_deeper_than(value, MAX_DEPTH):
        raise UnsafeJSON(TOO_DEEP)
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise UnsafeJSON(
            "a string holds a lone surrogate (\\ud800-\\udfff), which UTF-8 cannot carry"
        ) from None
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN nor Infinity)")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise UnsafeJSON(f"number {text[:40]} is beyond the range of a double")
    return number


def nested_deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels; walked level by level, so a
    value of any depth is measured without recursion."""
    level = [value] if type(value) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                if type(item) in (dict, list):
                    below.append(item)
        level = below
    return False


def dumps(value) -> str:
    if orjson is not None:
        try:
            return orjson.dumps(value).decode()
        except TypeError:
            pass
    return json.dumps(value, ensure_ascii=False)


def dumps_bytes(value) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except TypeError:
            pass
    return json.dumps(value, ensure_ascii=False).encode()


def dumps_sorted(value) -> bytes:
    """JSON with sorted keys: the same value always gives the same bytes (digests)."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
