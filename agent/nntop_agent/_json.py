"""JSON lines with the schema's encoding of non-finite numbers ("NaN", "Infinity", "-Infinity")."""
import json
import math

SCHEMA_VERSION = 1


def clean(obj):
    """A copy of obj where every non-finite float is the schema's string."""
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        if math.isnan(obj):
            return "NaN"
        return "Infinity" if obj > 0 else "-Infinity"
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    return obj


def fnum(x):
    """One number in the schema's encoding (non-finite floats as strings)."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return x


def dumps(obj) -> str:
    """Compact JSON; writers pass numbers that may be non-finite through fnum, so the fast path almost always
    holds (a stray non-finite float falls back to a full cleaning pass)."""
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(clean(obj), separators=(",", ":"), allow_nan=False)


def dumps_line(obj) -> bytes:
    """A JSON line (see dumps)."""
    return (dumps(obj) + "\n").encode("utf-8")


def message(type_, **fields):
    d = {"schema_version": SCHEMA_VERSION, "type": type_}
    d.update(fields)
    return d
