"""A minimal PDF writer: one page image plus an optional invisible text layer.

No PDF library is installed, and what inspection needs from a "digital" PDF is exactly
this: a rendered page and extractable text at the right places. The text layer uses a
glyph-less Type0 font with Identity-H encoding whose CIDs are the Unicode code points and
a ToUnicode CMap that maps them back (the approach of OCR'd PDFs), so Japanese text is
extractable without embedding a 6 MB font.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

import numpy as np
from PIL import Image

from tests.generator.documents import TextRun

_TOUNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def _hex_utf16(s: str) -> str:
    return "".join(f"{ord(c):04X}" for c in s if ord(c) <= 0xFFFF)


def write_pdf(
    image: np.ndarray, runs: Sequence[TextRun] | None, *, dpi: float = 150.0, jpeg_quality: int = 85
) -> bytes:
    """A one-page PDF of ``image`` (RGB); ``runs`` (pixel coordinates) become invisible text."""
    h, w = image.shape[:2]
    pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
    k = 72.0 / dpi
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=jpeg_quality)
    jpeg = buf.getvalue()

    content_parts = [f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode()]
    if runs:
        content_parts.append(b"BT 3 Tr")  # render mode 3: invisible
        for r in runs:
            size = r.size * k
            x = r.x * k
            y = ph - (r.y + r.size * 0.85) * k  # baseline ~0.85 of the box below its top
            n = max(1, len(r.text))
            # Stretch glyph-less 1-em advances to the drawn width so selection matches the pixels.
            tz = 100.0 * (r.width * k) / (size * n) if size > 0 else 100.0
            content_parts.append(
                f"/F1 {size:.2f} Tf {tz:.1f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm "
                f"<{_hex_utf16(r.text)}> Tj".encode()
            )
        content_parts.append(b"ET")
    content = zlib.compress(b"\n".join(content_parts))

    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # placeholder, filled below
    pages = add(b"")
    page = add(b"")
    img = add(
        f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB "
        f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n".encode()
        + jpeg
        + b"\nendstream"
    )
    cont = add(
        f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode()
        + content
        + b"\nendstream"
    )
    tounicode = zlib.compress(_TOUNICODE)
    tu = add(
        f"<< /Length {len(tounicode)} /Filter /FlateDecode >>\nstream\n".encode()
        + tounicode
        + b"\nendstream"
    )
    fdesc = add(
        b"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>"
    )
    cid = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {fdesc} 0 R /DW 1000 /CIDToGIDMap /Identity >>".encode()
    )
    f1 = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
        f"/DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>".encode()
    )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R >>".encode()
    objects[pages - 1] = f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode()
    objects[page - 1] = (
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] "
        f"/Resources << /XObject << /Im0 {img} 0 R >> /Font << /F1 {f1} 0 R >> >> "
        f"/Contents {cont} 0 R >>"
    ).encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
