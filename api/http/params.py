"""Query parameters from request fields (see `api.fields`): a FastAPI dependency per request
dataclass, so `/search` takes a `SearchRequest` and `/items` an `ItemQuery` as declared once
in `index.query`, with their help text, bounds and choices."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Query

from ..fields import FieldSpec, build, specs


def _annotation(spec: FieldSpec) -> Any:
    choices = ("", *spec.choices) if spec.optional else spec.choices  # "" = not filtered
    base: Any = Literal[choices] if choices else spec.type
    if spec.optional or (spec.default is None and not spec.required):
        base = base | None
    query = Query(
        description=spec.help,
        ge=spec.ge,
        le=spec.le,
        min_length=spec.min_length,
        max_length=spec.max_length,
    )
    return Annotated[base, query]


def _default(spec: FieldSpec) -> Any:
    if spec.required:
        return inspect.Parameter.empty
    return None if spec.optional else spec.default


def query_dependency(cls: type) -> Callable[..., Any]:
    """A dependency that reads `cls`'s fields from the query string and builds a `cls`."""
    fields = specs(cls)
    names = {spec.http or spec.name: spec.name for spec in fields}

    def dependency(**values: Any) -> Any:
        return build(cls, {names[k]: v for k, v in values.items()})

    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                spec.http or spec.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=_default(spec),
                annotation=_annotation(spec),
            )
            for spec in fields
        ]
    )
    dependency.__name__ = f"{cls.__name__}_from_query"
    return dependency
