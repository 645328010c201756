"""Write PDFs whose text layer is garbled, as a font without a Unicode map makes them.

The text is drawn in a Type3 font whose glyph names say one character while the glyph drawn
is another: the page *looks* right (each glyph is a bitmap of the real letter, made with
Pillow from a system TrueType font), but a text extractor reads a substitution cipher such
as `efgghijk lmnop`, as it does with subset CID fonts that carry no ToUnicode map. Codes are
given out in order of first use, starting at `e`, like a font subsetter numbering glyphs.

`garbled_pdf(pages)` returns the bytes; a page given as `("plain", lines)` is written in
Helvetica with a correct text layer instead. Used by tests and `bench/garbled_ingest.py`.
"""

from __future__ import annotations

import string
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

from pdfminer.glyphlist import glyphname2unicode
from PIL import Image, ImageDraw, ImageFont

EM = 100  # glyph bitmap pixels per em
UNITS = 1000  # glyph space units per em (FontMatrix 0.001)
PAGE_W, PAGE_H, MARGIN = 595, 842, 56
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
CODE_ORDER = (
    "efghijklmnopqrstuvwxyzabcd"
    + string.ascii_uppercase
    + string.digits
    + string.punctuation
    + "".join(chr(c) for c in range(0xC0, 0x100))
)
_NAME_OF = {u: n for n, u in sorted(glyphname2unicode.items(), reverse=True) if len(u) == 1}

SAMPLE = [
    "Rapport d'évaluation finale du programme de protection des migrants au Mali.",
    "Les recommandations suivantes sont adressées à l'Organisation internationale pour "
    "les migrations et à ses partenaires nationaux.",
    "The evaluation found that the project improved access to justice for victims of "
    "trafficking, although the monitoring of results remained weak.",
    "Leçons apprises : la coordination entre les ministères doit être renforcée dès le "
    "début du projet afin de garantir la durabilité des résultats obtenus.",
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _glyph(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, ch: str) -> tuple[int, bytes]:
    """(advance in glyph units, CharProc body drawing image /Im) for one character."""
    advance = round(font.getlength(ch) * UNITS / EM)
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(ch, anchor="ls"))
    if x1 <= x0 or y1 <= y0:
        return advance, f"{advance} 0 0 0 0 0 d1".encode()
    k = UNITS / EM
    left, bottom, w, h = x0 * k, -y1 * k, (x1 - x0) * k, (y1 - y0) * k
    body = (
        f"{advance} 0 {left:.1f} {bottom:.1f} {left + w:.1f} {bottom + h:.1f} d1 "
        f"q {w:.1f} 0 0 {h:.1f} {left:.1f} {bottom:.1f} cm /Im Do Q"
    )
    return advance, body.encode()


def _bitmap(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, ch: str) -> tuple[int, int, bytes]:
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(ch, anchor="ls"))
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    image = Image.new("1", (w, h), 1)
    ImageDraw.Draw(image).text((-x0, -y0), ch, font=font, anchor="ls", fill=0)
    return w, h, image.tobytes()


class _Writer:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes | str) -> int:
        self.objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(self.objects)

    def stream(self, head: str, data: bytes) -> int:
        return self.add(
            f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        )

    def reserve(self) -> int:
        return self.add(b"")

    def set(self, number: int, body: str) -> None:
        self.objects[number - 1] = body.encode("latin-1")

    def bytes(self, root: int) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objects, 1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += f"trailer\n<< /Size {len(self.objects) + 1} /Root {root} 0 R >>\n".encode()
        out += f"startxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


def _wrap(paragraphs: Iterable[str], width: int) -> list[str]:
    lines: list[str] = []
    for para in paragraphs:
        lines += textwrap.wrap(para, width) or [""]
    return lines


def garbled_pdf(
    pages: Sequence[Sequence[str] | tuple[str, Sequence[str]]],
    size: float = 11,
    wrap: int = 82,
) -> bytes:
    """A PDF of `pages` (each a list of paragraphs, wrapped to `wrap` characters); garbled
    text layer unless a page is given as `("plain", paragraphs)`."""
    font = _font(EM)
    texts: list[tuple[bool, list[str]]] = []
    for page in pages:
        plain = len(page) == 2 and page[0] == "plain" and not isinstance(page[1], str)
        paras = page[1] if plain else page
        texts.append((plain, _wrap([str(p) for p in paras], wrap)))
    chars = dict.fromkeys(
        c for plain, ls in texts if not plain for ln in ls for c in ln if c != " "
    )
    if len(chars) > len(CODE_ORDER):
        raise ValueError(f"{len(chars)} distinct characters; at most {len(CODE_ORDER)}")
    code_of = {c: ord(CODE_ORDER[i]) for i, c in enumerate(chars)}
    code_of[" "] = 32
    w = _Writer()
    pages_id = w.reserve()
    procs, widths = [], {}
    for ch, code in code_of.items():
        advance, body = _glyph(font, ch)
        widths[code] = advance
        bw, bh, bits = _bitmap(font, ch)
        image = w.stream(
            f"/Type /XObject /Subtype /Image /Width {bw} /Height {bh} /ImageMask true "
            "/BitsPerComponent 1",
            bits,
        )
        proc = w.stream(f"/Resources << /XObject << /Im {image} 0 R >> >>", body)
        procs.append((code, proc))
    first, last = min(widths), max(widths)
    diffs = " ".join(f"{code} /{_NAME_OF[chr(code)]}" for code in sorted(widths))
    charprocs = " ".join(f"/{_NAME_OF[chr(code)]} {proc} 0 R" for code, proc in procs)
    width_list = " ".join(str(widths.get(c, 0)) for c in range(first, last + 1))
    type3 = w.add(
        "<< /Type /Font /Subtype /Type3 /FontBBox [-200 -300 1200 1000] "
        f"/FontMatrix [{1 / UNITS} 0 0 {1 / UNITS} 0 0] /CharProcs << {charprocs} >> "
        f"/Encoding << /Type /Encoding /Differences [{diffs}] >> "
        f"/FirstChar {first} /LastChar {last} /Widths [{width_list}] /Resources << >> >>"
    )
    helvetica = w.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    leading = size * 1.35
    for plain, lines in texts:
        ops = [
            f"BT /{'H' if plain else 'G'} {size} Tf {leading:.2f} TL {MARGIN} {PAGE_H - MARGIN} Td"
        ]
        for line in lines:
            raw = line.encode("cp1252", "replace") if plain else bytes(code_of[c] for c in line)
            ops.append(f"<{raw.hex()}> Tj T*")
        ops.append("ET")
        content = w.stream("", "\n".join(ops).encode())
        kids.append(
            w.add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                f"/Contents {content} 0 R "
                f"/Resources << /Font << /G {type3} 0 R /H {helvetica} 0 R >> >> >>"
            )
        )
    w.set(
        pages_id,
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>",
    )
    catalog = w.add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    return w.bytes(catalog)


def report_pages(paragraphs: Sequence[str], count: int, per_page: int = 2600) -> list[list[str]]:
    """`count` pages of about `per_page` characters each, cycling through `paragraphs`."""
    pages: list[list[str]] = []
    i = 0
    for _ in range(count):
        page: list[str] = []
        used = 0
        while used < per_page:
            para = paragraphs[i % len(paragraphs)]
            i += 1
            page.append(para)
            used += len(para)
        pages.append(page)
    return pages
