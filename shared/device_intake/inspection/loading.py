"""Turning uploaded bytes into pixels (and text) safely: :func:`load_document`.

Everything an inspector sees comes through here, so this is where hostile or broken
uploads stop. The type is sniffed from magic bytes (a file name or content type is only a
hint: phones send ``image/jpeg`` for HEIC and vice versa). Every failure is a
:class:`DocumentRejected` carrying one of three reason codes, never a crash:

- ``UNSUPPORTED_FORMAT``: not JPEG / PNG / WebP / HEIC-HEIF / PDF (GIF, BMP, TIFF, text,
  unknown bytes), an animated image (policy below), a password-protected PDF.
- ``CORRUPT_FILE``: empty, truncated or undecodable data, or bytes that do not match the
  format the name/content type claims (random bytes named ``.jpg``).
- ``FILE_TOO_LARGE``: more than ``max_bytes`` (20 MiB), more than ``max_pixels`` (50 MP,
  read from the header BEFORE decoding so a decompression bomb is never expanded), or a
  PDF with more than ``max_pdf_pages`` pages.

Animated images (animated WebP, APNG) are rejected as ``UNSUPPORTED_FORMAT`` by default:
the seed asks for photographs of a device or a document, and an animation can show one
thing in frame 1 and another later. ``LoadLimits(allow_animated=True)`` takes the first
frame instead and sets ``LoadedDocument.animated`` so the caller can send it to a reviewer.

Truncated files are never accepted silently: Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES``
must stay ``False`` (it is a process-wide switch; :func:`load_document` refuses to run if
something turned it on, rather than accept half a picture).

:func:`strip_location` makes the copy that is stored for the reviewer console: GPS and
every other metadata block that can carry a location are removed.
"""

from __future__ import annotations

import io
import logging
import struct
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import cv2
import numpy as np
from PIL import ExifTags, Image, ImageFile, ImageOps

from device_intake.domain.reasons import ReasonCode

log = logging.getLogger(__name__)

DocumentFormat = Literal["jpeg", "png", "webp", "heic", "pdf"]

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """Upload limits (defaults follow the API contract: 20 MiB, 50 MP, 5 PDF pages)."""

    max_bytes: int = 20 * MIB
    max_pixels: int = 50_000_000
    max_pdf_pages: int = 5
    pdf_dpi: float = 200.0  # enough for 8-pt print (~22 px x-height) without huge pages
    pdf_render_pages: int = 3  # pages rendered to pixels (all pages give text)
    allow_animated: bool = False


DEFAULT_LIMITS = LoadLimits()


class DocumentRejected(Exception):
    """The upload cannot be inspected; ``code`` is the reason shown to the subscriber.

    ``detail`` is for logs only (never contains file content).
    """

    def __init__(self, code: ReasonCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail


@dataclass(slots=True)
class LoadedDocument:
    """One decoded upload, ready for the inspectors.

    - ``image``: BGR uint8 (H, W, 3) with EXIF orientation applied: what a person sees.
      For a PDF, page 1 rendered at ``LoadLimits.pdf_dpi``.
    - ``pages``: every rendered page (``[image]`` for a photo; up to ``pdf_render_pages``).
    - ``text_layer``: a PDF's embedded text (pages joined by form feeds) when it has a
      usable one, else ``None`` (scans, photos).
    - ``exif``: camera EXIF as plain JSON-safe values keyed by tag name (Make, Model,
      Software, DateTimeOriginal, ExposureTime, FNumber, ISOSpeedRatings, LensModel,
      UserComment, ...); GPS tags are never included.
    - ``format``: the sniffed format; ``original_size``: (width, height) as stored in the
      file before rotation (PDF: page 1 in points); ``byte_size``: upload size;
      ``animated``: the source had several frames (only with ``allow_animated``).
    - ``pdf_dpi``: the render resolution of ``pages`` for a PDF, else ``None``.
    """

    image: np.ndarray
    format: str  # one of DocumentFormat (plain str so structural Photo protocols accept it)
    original_size: tuple[int, int]
    byte_size: int
    pages: list[np.ndarray] = field(default_factory=list)
    text_layer: str | None = None
    exif: dict[str, Any] = field(default_factory=dict)
    animated: bool = False
    page_count: int = 1
    pdf_dpi: float | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of ``image``."""
        h, w = self.image.shape[:2]
        return (w, h)

    @property
    def is_flat(self) -> bool:
        """A born-digital document (PDF): whole by definition, no camera involved."""
        return self.format == "pdf"


# --------------------------------------------------------------------------- sniffing

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
                b"mif1", b"msf1", b"mif2"}


def sniff_format(data: bytes) -> str | None:
    """The format named by the magic bytes: one of ``DocumentFormat`` or ``gif``, ``bmp``,
    ``tiff``, ``avif`` (recognised but unsupported), or ``None`` when unknown."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in _HEIF_BRANDS:
            return "heic"
        return None
    # PDF readers accept the header anywhere in the first 1 KiB (some generators prepend junk).
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


_SUPPORTED = {"jpeg", "png", "webp", "heic", "pdf"}
_CLAIM_EXTENSIONS = {
    ".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png", ".webp": "webp",
    ".heic": "heic", ".heif": "heic", ".pdf": "pdf",
}
_CLAIM_TYPES = {
    "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/pjpeg": "jpeg", "image/png": "png",
    "image/webp": "webp", "image/heic": "heic", "image/heif": "heic",
    "application/pdf": "pdf",
}


def _claimed_format(filename: str | None, content_type: str | None) -> str | None:
    if content_type:
        claimed = _CLAIM_TYPES.get(content_type.split(";")[0].strip().lower())
        if claimed:
            return claimed
    if filename and "." in filename:
        return _CLAIM_EXTENSIONS.get("." + filename.rsplit(".", 1)[1].lower())
    return None


# --------------------------------------------------------------------------- loading

_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


def load_document(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> LoadedDocument:
    """Decode an upload; raise :class:`DocumentRejected` for anything we cannot inspect.

    ``filename`` and ``content_type`` are hints only: they decide whether unrecognisable
    bytes are ``CORRUPT_FILE`` (they claim a supported format) or ``UNSUPPORTED_FORMAT``.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone flipped Pillow's global switch: we would accept half a picture silently.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must be False")
    size = len(data)
    if size == 0:
        raise DocumentRejected(ReasonCode.CORRUPT_FILE, "empty upload")
    if size > limits.max_bytes:
        raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, f"{size} bytes")
    fmt = sniff_format(data)
    if fmt is None:
        claimed = _claimed_format(filename, content_type)
        code = ReasonCode.CORRUPT_FILE if claimed else ReasonCode.UNSUPPORTED_FORMAT
        raise DocumentRejected(code, f"unrecognised bytes (claimed {claimed})")
    if fmt not in _SUPPORTED:
        raise DocumentRejected(ReasonCode.UNSUPPORTED_FORMAT, fmt)
    if fmt == "pdf":
        return _load_pdf(data, limits)
    return _load_raster(data, fmt, limits)  # type: ignore[arg-type]


def _load_raster(data: bytes, fmt: DocumentFormat, limits: LoadLimits) -> LoadedDocument:
    if fmt == "heic":
        _register_heif()
    try:
        im = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, "decompression bomb") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        # SyntaxError is how some Pillow plugins report a malformed header.
        raise DocumentRejected(ReasonCode.CORRUPT_FILE, type(exc).__name__) from exc
    with im:
        width, height = im.size
        # Header dimensions, checked before a single pixel is decoded.
        if width <= 0 or height <= 0:
            raise DocumentRejected(ReasonCode.CORRUPT_FILE, "zero-sized image")
        if width * height > limits.max_pixels:
            raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, f"{width}x{height} px")
        frames = int(getattr(im, "n_frames", 1) or 1)
        animated = bool(getattr(im, "is_animated", False)) and frames > 1
        if animated and fmt != "heic" and not limits.allow_animated:
            raise DocumentRejected(ReasonCode.UNSUPPORTED_FORMAT, "animated image")
        if fmt == "heic":
            animated = False  # extra HEIF images are thumbnails/bursts: use the primary
        try:
            im.seek(0)
            bgr = _decode_jpeg(data, im) if fmt == "jpeg" else None
            if bgr is not None:
                exif = _camera_exif(im)
            else:
                im.load()
                exif = _camera_exif(im)
                # exif_transpose copies the picture even when it is already upright (~30 ms
                # on 12 MP): only call it when there is something to turn.
                turned = im.getexif().get(_ORIENTATION, 1) not in (1, None)
                upright = ImageOps.exif_transpose(im) if turned else im
                rgb = _to_rgb(upright)
                # Inside the ``with``: ``rgb`` may be the opened image itself.
                bgr = cv2.cvtColor(np.asarray(rgb, dtype=np.uint8), cv2.COLOR_RGB2BGR)
        except Image.DecompressionBombError as exc:
            raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, "decompression bomb") from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            # Truncated data ("image file is truncated"), broken Huffman tables, bad chunks.
            raise DocumentRejected(ReasonCode.CORRUPT_FILE, type(exc).__name__) from exc
    return LoadedDocument(
        image=bgr,
        pages=[bgr],
        format=fmt,
        original_size=(width, height),
        byte_size=len(data),
        exif=exif,
        animated=animated,
    )


# Decode plain JPEGs straight to BGR with OpenCV (same libjpeg-turbo, same pixels: all
# 3,225 decodable JPEGs of the bench cache bit-identical) instead of Pillow + a copy to
# numpy + a channel swap: 40 -> 23 ms mean there, 80 -> 47 ms on 12 MP. Off: Pillow only.
FAST_JPEG = True
_EOI = b"\xff\xd9"
# EXIF orientation -> the OpenCV operations that make the picture upright, as
# ImageOps.exif_transpose does (2 mirrored, 3 upside down, 6 turned right, ...).
_UPRIGHT = {
    2: lambda a: cv2.flip(a, 1),
    3: lambda a: cv2.rotate(a, cv2.ROTATE_180),
    4: lambda a: cv2.flip(a, 0),
    5: lambda a: cv2.transpose(a),
    6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
    7: lambda a: cv2.flip(cv2.transpose(a), -1),
    8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


def _decode_jpeg(data: bytes, im: Image.Image) -> np.ndarray | None:
    """The upright BGR pixels of a plain (RGB or grey) JPEG, or ``None``: Pillow decodes.

    Only files that end with the end-of-image marker: libjpeg pads a truncated file with
    grey and OpenCV returns it without a word, where Pillow raises (``CORRUPT_FILE``).
    A file with bytes after the marker (a phone's appended motion clip) or anything
    OpenCV cannot decode goes to Pillow as well.
    """
    if not FAST_JPEG or im.mode not in ("RGB", "L") or not data.endswith(_EOI):
        return None
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if bgr is None or bgr.shape[:2] != (im.height, im.width):
        return None
    turn = _UPRIGHT.get(im.getexif().get(_ORIENTATION, 1))
    return turn(bgr) if turn is not None else bgr


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB on white: transparent screenshots must not turn black where they are clear."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if im.mode.startswith("I;16") or im.mode == "I":
        # 16-bit PNGs: scale to 8 bit instead of clipping everything to white.
        arr = np.asarray(im, dtype=np.uint32) >> 8
        return Image.fromarray(arr.astype(np.uint8), "L").convert("RGB")
    return im if im.mode == "RGB" else im.convert("RGB")


# Tags worth keeping: camera identity (screenshot vs photo), capture time and exposure.
# Make, Model, Software, DateTime, Orientation.
_EXIF_KEEP_BASE = {0x010F, 0x0110, 0x0131, 0x0132, 0x0112}
_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_MAKER_NOTE = 0x927C


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        if value[:8] in (b"ASCII\x00\x00\x00", b"UNICODE\x00"):  # UserComment encodings
            body = value[8:]
            enc = "utf-16" if value.startswith(b"UNICODE") else "ascii"
            return body.decode(enc, "replace").strip("\x00 ").strip()
        return None  # opaque binary blobs are of no use to an inspector
    if isinstance(value, Fraction) or type(value).__name__ == "IFDRational":
        try:
            return float(value)
        except ZeroDivisionError:
            return None
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str):
        return value.strip("\x00 ").strip()
    if isinstance(value, int | float):
        return value
    return str(value)


def _camera_exif(im: Image.Image) -> dict[str, Any]:
    """Base IFD + Exif IFD tags by name, without GPS, MakerNote or binary blobs."""
    try:
        exif = im.getexif()
    except (OSError, ValueError, SyntaxError, struct.error):
        return {}  # broken EXIF is not a broken picture
    out: dict[str, Any] = {}
    for tag, value in exif.items():
        if tag in (_GPS_IFD, _EXIF_IFD):
            continue
        name = ExifTags.TAGS.get(tag)
        if name:
            out[name] = _jsonable(value)
    try:
        sub = exif.get_ifd(_EXIF_IFD)
    except (OSError, ValueError, KeyError, SyntaxError, struct.error):
        sub = {}
    for tag, value in sub.items():
        if tag == _MAKER_NOTE:
            continue
        name = ExifTags.TAGS.get(tag)
        if name:
            out[name] = _jsonable(value)
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def _load_pdf(data: bytes, limits: LoadLimits) -> LoadedDocument:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium reports a password as its own error: the subscriber must upload an
        # unlocked copy, which "format not supported" says better than "corrupt".
        message = str(exc).lower()
        code = ReasonCode.UNSUPPORTED_FORMAT if "password" in message else ReasonCode.CORRUPT_FILE
        raise DocumentRejected(code, "pdf open failed") from exc
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentRejected(ReasonCode.CORRUPT_FILE, "pdf without pages")
        if count > limits.max_pdf_pages:
            raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, f"{count} pdf pages")
        texts: list[str] = []
        rendered: list[np.ndarray] = []
        first_size = (0, 0)
        dpi_used = limits.pdf_dpi
        for index in range(count):
            page = pdf[index]
            try:
                w_pt, h_pt = page.get_size()
                if index == 0:
                    first_size = (round(w_pt), round(h_pt))
                texts.append(_page_text(page))
                if index < limits.pdf_render_pages:
                    scale = limits.pdf_dpi / 72.0
                    pixels = (w_pt * scale) * (h_pt * scale)
                    if w_pt <= 0 or h_pt <= 0:
                        raise DocumentRejected(ReasonCode.CORRUPT_FILE, "empty pdf page")
                    if pixels > limits.max_pixels:
                        # A poster-sized page: render at the resolution the budget allows,
                        # but never below 72 dpi (text would be unreadable anyway).
                        scale = (limits.max_pixels / (w_pt * h_pt)) ** 0.5
                        if scale < 1.0:
                            raise DocumentRejected(
                                ReasonCode.FILE_TOO_LARGE, f"pdf page {w_pt:.0f}x{h_pt:.0f} pt"
                            )
                    if index == 0:
                        dpi_used = scale * 72.0
                    bitmap = page.render(scale=scale)
                    pil = bitmap.to_pil()
                    rendered.append(
                        np.ascontiguousarray(np.asarray(pil.convert("RGB"))[:, :, ::-1])
                    )
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise DocumentRejected(ReasonCode.CORRUPT_FILE, "pdf render failed") from exc
    finally:
        pdf.close()
    text = "\n\f\n".join(t for t in texts)
    # Scanned PDFs often carry an empty or junk text layer: demand some real characters.
    text_layer = text if sum(ch.isalnum() for ch in text) >= 20 else None
    return LoadedDocument(
        image=rendered[0],
        pages=rendered,
        format="pdf",
        original_size=first_size,
        byte_size=len(data),
        text_layer=text_layer,
        page_count=count,
        pdf_dpi=dpi_used,
    )


def _page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        text = str(textpage.get_text_range())
    finally:
        textpage.close()
    # pdfium uses \r\n and sometimes \x02 (soft hyphen) / \ufffe markers.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "").replace("\ufffe", "")


# --------------------------------------------------------------------------- safe copy

# JPEG APP segments that can carry a location: APP1 XMP (exif:GPS*, photoshop:City),
# APP13 Photoshop/IPTC (City, Sub-location), APP2 MPF (secondary images, each with EXIF).
_XMP_PREFIXES = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


def strip_location(data: bytes) -> bytes:
    """A copy of an upload that is safe to store and show: no GPS, no location metadata.

    - JPEG: the pixels are kept byte for byte (no re-encoding, reviewers see the original
      quality); the EXIF block is rebuilt from a whitelist (camera, time, exposure,
      Orientation: so the picture still displays upright), XMP/IPTC/MPF segments and any
      data after the primary image (appended depth maps, gain maps) are dropped.
    - PNG / WebP: decoded, orientation applied, re-encoded losslessly without metadata.
    - HEIC: converted to a JPEG (quality 95, upright, no metadata): browsers of the
      reviewer console cannot show HEIC. Sniff the result with :func:`sniff_format`.
    - PDF: returned unchanged (no camera location; embedded photos are out of scope).

    Raises :class:`DocumentRejected` for bytes it cannot copy safely (unsupported,
    corrupt, or a pixel bomb: the header is checked before decoding, as in
    :func:`load_document`). Call it only for uploads that loaded.
    """
    fmt = sniff_format(data)
    if fmt == "jpeg":
        return _strip_jpeg(data)
    if fmt == "pdf":
        return data
    if fmt not in ("png", "webp", "heic"):
        raise DocumentRejected(ReasonCode.UNSUPPORTED_FORMAT, str(fmt))
    if fmt == "heic":
        _register_heif()
    try:
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            if width * height > DEFAULT_LIMITS.max_pixels:
                # Same header check as load_document: never expand a bomb, not even here.
                raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, f"{width}x{height} px")
            im.load()
            upright = ImageOps.exif_transpose(im)
            out = io.BytesIO()
            if fmt == "png":
                clean = upright
                if clean.mode not in ("RGB", "RGBA", "L", "LA"):
                    clean = clean.convert("RGBA")
                clean.save(out, format="PNG", optimize=False)
            elif fmt == "webp":
                upright.save(out, format="WEBP", lossless=True)
            else:
                upright.convert("RGB").save(out, format="JPEG", quality=95)
    except Image.DecompressionBombError as exc:
        raise DocumentRejected(ReasonCode.FILE_TOO_LARGE, "decompression bomb") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise DocumentRejected(ReasonCode.CORRUPT_FILE, type(exc).__name__) from exc
    return out.getvalue()


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise DocumentRejected(ReasonCode.CORRUPT_FILE, "no SOI")
    out = bytearray(b"\xff\xd8")
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            raise DocumentRejected(ReasonCode.CORRUPT_FILE, "bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # SOS: entropy-coded data follows up to EOI
            end = data.find(b"\xff\xd9", pos)
            if end < 0:
                raise DocumentRejected(ReasonCode.CORRUPT_FILE, "no EOI")
            out += data[pos : end + 2]
            return bytes(out)
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segment = data[pos : pos + 2 + length]
        if len(segment) < 2 + length:
            raise DocumentRejected(ReasonCode.CORRUPT_FILE, "truncated segment")
        payload = segment[4:]
        keep = True
        if marker == 0xE1:
            if payload.startswith(b"Exif\x00\x00"):
                clean = _clean_exif_segment(data)
                if clean:
                    out += b"\xff\xe1" + struct.pack(">H", len(clean) + 2) + clean
                keep = False
            else:
                keep = False  # XMP (_XMP_PREFIXES) or unknown APP1: may hold a location
        elif (marker == 0xE2 and payload.startswith(b"MPF\x00")) or marker == 0xED:
            keep = False  # MPF (secondary images) or Photoshop IRB / IPTC (City, ...)
        elif 0xE3 <= marker <= 0xEF and marker != 0xEE:
            # Vendor APPn blocks (Samsung, Qualcomm, Google) are opaque: drop them; APP14
            # (Adobe) stays because it decides how colours decode.
            keep = False
        elif marker == 0xFE:  # COM: free text, could be anything
            keep = False
        if keep:
            out += segment
        pos += 2 + length
    raise DocumentRejected(ReasonCode.CORRUPT_FILE, "no image data")


_EXIF_KEEP_SUB = {
    0x9003,  # DateTimeOriginal
    0x9004,  # DateTimeDigitized
    0x829A,  # ExposureTime
    0x829D,  # FNumber
    0x8827,  # ISOSpeedRatings
    0x920A,  # FocalLength
    0xA434,  # LensModel
    0xA433,  # LensMake
    0xA002,  # PixelXDimension
    0xA003,  # PixelYDimension
}


def _clean_exif_segment(jpeg: bytes) -> bytes | None:
    """``Exif\\0\\0`` + TIFF rebuilt from the whitelisted tags (GPS never copied)."""
    try:
        with Image.open(io.BytesIO(jpeg)) as im:
            src = im.getexif()
            sub = src.get_ifd(_EXIF_IFD)
            clean = Image.Exif()
            for tag in _EXIF_KEEP_BASE:
                if tag in src:
                    clean[tag] = src[tag]
            kept_sub = {tag: sub[tag] for tag in _EXIF_KEEP_SUB if tag in sub}
            if kept_sub:
                clean[_EXIF_IFD] = kept_sub
            body = clean.tobytes()
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, struct.error):
        return None  # unreadable EXIF: drop it entirely (safe, loses only orientation)
    if not body.startswith(b"Exif\x00\x00"):
        body = b"Exif\x00\x00" + body
    return body if len(body) < 65000 else None
