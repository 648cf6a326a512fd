"""Shape validation with pydantic, reported as one clear line.

Both the evidence base and scenario files are first checked against strict
pydantic models.  :func:`shape` turns the first validation error into an
:class:`~sim.errors.InputError` naming the file, the entry and the dotted field
path, with what is allowed where that can be said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.errors import InputError

__all__ = ["M", "describe", "field_path", "shape"]

M = TypeVar("M", bound=BaseModel)


def field_path(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as a dotted path with ``[i]`` indices: ``stages[1].members[0]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> str | None:
    """Keys allowed at the location of an unknown key, when the location is a known nested model."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return None
        annotation = fields[part].annotation
        args = [a for a in getattr(annotation, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)]
        current = args[0] if args else annotation
    fields = getattr(current, "model_fields", None)
    if not isinstance(current, type) or fields is None:
        return None
    return ", ".join(f.alias or name for name, f in fields.items())


def shape(
    model: type[M],
    data: Any,
    *,
    file: str | None,
    entry: str | None = None,
    prefix: str = "",
    error: type[InputError] = InputError,
) -> M:
    """Validate ``data`` against ``model``; raise ``error`` for the first problem.

    Parameters
    ----------
    model
        The pydantic model (``extra="forbid"`` makes unknown keys errors).
    data
        Parsed TOML.
    file, entry, prefix
        Where the data came from: the message reads ``FILE: ENTRY: PREFIX.field: ...``.
    error
        The exception class to raise.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where, msg = describe(model, exc)
        if prefix:
            where = field_path([prefix]) + ("." + where if where and not where.startswith("[") else where or "")
        raise error(file, entry, where or None, msg) from None


_KINDS = {
    "float_type": "a number",
    "int_type": "a whole number",
    "string_type": "a string",
    "bool_type": "true or false",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "a list",
}


def _is_tag(part: int | str) -> bool:
    """Whether a location part names a union branch rather than a field (``dict[str,float]``, ``str``)."""
    return isinstance(part, str) and (
        part.startswith(("<", "function-")) or any(c in part for c in "[(") or part in ("str", "int", "float", "bool")
    )


def _expected(err: Mapping[str, Any]) -> str:
    if err["type"] == "literal_error":
        return str(err["msg"]).removeprefix("Input should be ")
    return _KINDS.get(err["type"], str(err["msg"]).removeprefix("Input should be "))


def describe(model: type[BaseModel], exc: ValidationError) -> tuple[str, str]:
    """Return the dotted path and a readable message for the first error of ``exc``.

    For a field that accepts several types (a union), the message lists what
    each branch accepts, unless the value matched one branch's type and failed
    deeper inside it; then that deeper problem is reported.
    """
    errors = exc.errors()
    first = errors[0]
    raw_loc = list(first["loc"])
    tag_at = next((i for i, p in enumerate(raw_loc) if _is_tag(p)), None)
    if tag_at is not None:
        head = raw_loc[:tag_at]
        branch = [e for e in errors if list(e["loc"])[:tag_at] == head and len(e["loc"]) > tag_at]
        deep = [e for e in branch if len([p for p in e["loc"] if not _is_tag(p)]) > len(head)]
        if deep:
            first = deep[0]
        else:
            options = list(dict.fromkeys(_expected(e) for e in branch))
            return field_path(head), f"must be {' or '.join(options)} (got {_short(first['input'])})"
    loc = [p for p in first["loc"] if not _is_tag(p)]
    kind = first["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        return field_path(loc), "unknown key" + (f" (allowed: {allowed})" if allowed else "")
    if kind == "missing":
        return field_path(loc), "required key is missing"
    message = str(first["msg"]).replace("Input should be", "must be").replace("Value error, ", "")
    if kind in _KINDS:
        message = f"must be {_KINDS[kind]}"
    return field_path(loc), f"{message} (got {_short(first['input'])})"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
