"""JSON for the LRS's hot paths: orjson when installed, the standard library otherwise."""

import json

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency, this keeps a checkout usable
    orjson = None


def loads(data: bytes | str):
    """Parse JSON; inputs orjson refuses (integers beyond 64 bits, lone surrogates) are left
    to the standard library so the LRS accepts exactly what `json` accepts."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


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
