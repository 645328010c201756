"""pdfplumber pages whose characters are converted to dicts without the generic walk.

pdfplumber turns every pdfminer layout object into a dict by running `resolve_all` over
each attribute and a regex over its class name. For characters, a million per few hundred
pages, that costs about 40% of all the parsing: the attributes of a character are plain
numbers, strings and tuples of numbers, for which `resolve_all` returns an equal value.
`FastPage.process_object` builds the same dict (same keys, order and values; the test
compares them over the corpus) and reads the colour-space names through a cache; every
other object goes through pdfplumber's own code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar
from pdfplumber.page import ALL_ATTRS, Page, fix_fontname_bytes
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

_PLAIN = frozenset({str, int, float, bool, type(None)})


def _resolved(value: Any) -> Any:
    """What `resolve_all` returns, without its walk for plain values and plain tuples."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple and all(type(v) in _PLAIN for v in value):
        return value  # immutable: sharing it equals resolve_all's copy
    return resolve_all(value)


@lru_cache(maxsize=256)
def _decoded(name: str) -> Any:
    return resolve_and_decode(name)


def _colour_space(name: Any) -> Any:
    return _decoded(name) if type(name) is str else resolve_and_decode(name)


class FastPage(Page):
    """A pdfplumber Page with a fast path for characters (see the module docstring)."""

    def process_object(self, obj: Any) -> dict[str, Any]:
        """The object as a dict, exactly as `Page.process_object` makes it."""
        if type(obj) is not LTChar:
            return super().process_object(obj)
        attr = {k: _resolved(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        attr["object_type"] = "char"
        attr["page_number"] = self.page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _colour_space(getattr(obj, cs).name)
        text = obj.get_text()
        norm = self.pdf.unicode_norm
        attr["text"] = normalize_unicode(norm, text) if norm is not None else text
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        mb_x0, mb_top = self.mediabox[:2]
        if "y0" in attr:
            attr["top"] = (self.height - attr["y1"]) + mb_top
            attr["bottom"] = (self.height - attr["y0"]) + mb_top
            attr["doctop"] = self.initial_doctop + attr["top"]
        if "x0" in attr and mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        return attr


def faster(page: Page) -> Page:
    """The same page object, its characters read through `FastPage`."""
    if type(page) is Page:
        page.__class__ = FastPage
    return page
