"""load_document: every way an upload can be bad ends in one reason code, never a crash."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection import loading
from device_intake.inspection.loading import (
    DocumentRejected,
    LoadLimits,
    load_document,
    sniff_format,
    strip_location,
)
from PIL import Image

INVOICES = Path(__file__).resolve().parents[4] / "shared" / "data" / "invoice2data" / "docs"

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112


def _encode(im: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def _photo(w: int = 64, h: int = 32) -> Image.Image:
    """Left half red, right half blue: orientation is visible in the pixels."""
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:, : w // 2] = (255, 0, 0)
    arr[:, w // 2 :] = (0, 0, 255)
    return Image.fromarray(arr, "RGB")


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (35.0, 40.0, 12.5), 3: "E", 4: (139.0, 45.0, 1.0)}
    exif[EXIF_IFD] = {0x9003: "2024:03:15 10:00:00", 0x829A: 0.01, 0x8827: 100}
    return exif


def _rejected(data: bytes, **kwargs: object) -> ReasonCode:
    with pytest.raises(DocumentRejected) as info:
        load_document(data, **kwargs)  # type: ignore[arg-type]
    return info.value.code


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- accepted


def test_jpeg_loads_as_bgr_with_camera_exif_but_no_gps():
    data = _encode(_photo(), "JPEG", exif=_exif_with_gps().tobytes(), quality=95)
    doc = load_document(data, filename="photo.jpg")
    assert doc.format == "jpeg"
    assert doc.image.dtype == np.uint8 and doc.image.shape == (32, 64, 3)
    # BGR: the red half has its high value in channel 2.
    assert doc.image[16, 5, 2] > 200 and doc.image[16, 5, 0] < 60
    assert doc.exif["Make"] == "Apple" and doc.exif["Model"] == "iPhone 15"
    assert doc.exif["DateTimeOriginal"] == "2024:03:15 10:00:00"
    assert "GPSInfo" not in doc.exif and not any("GPS" in key for key in doc.exif)
    assert doc.byte_size == len(data) and doc.original_size == (64, 32)
    assert doc.pages and doc.pages[0] is doc.image and doc.text_layer is None


@pytest.mark.parametrize(("orientation", "red_at"), [(6, "top"), (8, "bottom")])
def test_exif_orientation_rotates_the_pixels(orientation: int, red_at: str):
    data = _encode(_photo(), "JPEG", exif=_exif_with_gps(orientation).tobytes(), quality=95)
    doc = load_document(data)
    assert doc.image.shape == (64, 32, 3)  # rotated by 90°: portrait now
    top_red = doc.image[5, 16, 2] > 200
    bottom_red = doc.image[58, 16, 2] > 200
    assert (top_red, bottom_red) == ((True, False) if red_at == "top" else (False, True))
    assert doc.original_size == (64, 32)


@pytest.mark.parametrize("mode", ["RGB", "L"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_fast_jpeg_decode_gives_pillows_pixels(
    monkeypatch: pytest.MonkeyPatch, orientation: int, mode: str
):
    """JPEGs are decoded by OpenCV; every orientation and greyscale must come out exactly
    as the Pillow path (decode, exif_transpose, RGB -> BGR) gives them."""
    noise = np.random.default_rng(orientation).integers(0, 255, (24, 40, 3), np.uint8)
    im = Image.fromarray(noise, "RGB").convert(mode)
    data = _encode(im, "JPEG", exif=_exif_with_gps(orientation).tobytes(), quality=90)
    fast = load_document(data)
    monkeypatch.setattr(loading, "FAST_JPEG", False)
    slow = load_document(data)
    assert fast.image.shape == slow.image.shape
    assert np.array_equal(fast.image, slow.image)
    assert fast.exif == slow.exif and fast.original_size == slow.original_size == (40, 24)


def test_jpeg_with_bytes_after_its_end_marker_still_loads():
    """A phone's motion photo appends a video after the picture: Pillow decodes it."""
    data = _encode(_photo(), "JPEG", quality=95) + b"ftypmp42" + bytes(2000)
    doc = load_document(data)
    assert doc.image.shape == (32, 64, 3) and doc.image[16, 5, 2] > 200


def test_png_with_transparency_is_composited_on_white():
    im = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    doc = load_document(_encode(im, "PNG"))
    assert doc.format == "png" and int(doc.image.min()) == 255


def test_webp_loads():
    doc = load_document(_encode(_photo(), "WEBP", quality=90))
    assert doc.format == "webp" and doc.image.shape == (32, 64, 3)


def test_heic_loads_through_pillow_heif():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    try:
        data = _encode(_photo(), "HEIF", quality=90)
    except (OSError, KeyError, ValueError) as exc:  # pragma: no cover - encoder-less builds
        pytest.skip(f"no HEIF encoder in this build: {exc}")
    assert sniff_format(data) == "heic"
    doc = load_document(data, filename="IMG_0001.HEIC")
    assert doc.format == "heic" and doc.image.shape == (32, 64, 3)


def test_pdf_with_text_layer_gives_text_and_a_rendered_page():
    doc = load_document((INVOICES / "coolblue1.pdf").read_bytes())
    assert doc.format == "pdf" and doc.page_count == 1
    assert doc.text_layer is not None and "Factuurdatum" in doc.text_layer
    h, w = doc.image.shape[:2]
    assert 2200 < h < 2450 and 1550 < w < 1750  # A4 at ~200 dpi
    assert doc.pdf_dpi == pytest.approx(200.0)


def test_pdf_without_text_layer_has_no_text():
    data = _encode(_photo(200, 280), "PDF", resolution=72.0)
    doc = load_document(data, filename="scan.pdf")
    assert doc.format == "pdf" and doc.text_layer is None
    assert doc.image.shape[2] == 3 and doc.image.shape[0] > doc.image.shape[1]


def test_pdf_renders_at_most_three_pages_but_counts_all():
    pages = [_photo(100, 140) for _ in range(4)]
    data = _encode(pages[0], "PDF", save_all=True, append_images=pages[1:], resolution=72.0)
    doc = load_document(data)
    assert doc.page_count == 4 and len(doc.pages) == 3


def test_animated_webp_first_frame_when_allowed():
    frames = [Image.new("RGB", (16, 16), c) for c in ((255, 0, 0), (0, 255, 0))]
    data = _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
    doc = load_document(data, limits=LoadLimits(allow_animated=True))
    assert doc.animated and doc.image[8, 8, 2] > 200  # frame 1 is red


# --------------------------------------------------------------------------- rejected


def test_truncated_jpeg_is_corrupt_not_half_a_picture():
    data = _encode(_photo(400, 300), "JPEG", quality=95)
    assert _rejected(data[: len(data) // 2]) is ReasonCode.CORRUPT_FILE


def test_truncated_png_is_corrupt():
    noisy = Image.fromarray(np.random.default_rng(1).integers(0, 255, (200, 200, 3), np.uint8))
    data = _encode(noisy, "PNG")
    assert _rejected(data[: len(data) - 5000]) is ReasonCode.CORRUPT_FILE


def test_random_bytes_named_jpg_are_corrupt():
    noise = np.random.default_rng(2).integers(0, 255, 4096, np.uint8).tobytes()
    assert _rejected(noise, filename="photo.jpg") is ReasonCode.CORRUPT_FILE
    assert _rejected(noise, content_type="image/jpeg") is ReasonCode.CORRUPT_FILE


def test_unknown_bytes_without_a_claim_are_unsupported():
    noise = np.random.default_rng(3).integers(0, 255, 4096, np.uint8).tobytes()
    assert _rejected(noise) is ReasonCode.UNSUPPORTED_FORMAT


def test_jpeg_magic_with_garbage_after_it_is_corrupt():
    assert _rejected(b"\xff\xd8\xff\xe0" + b"\x00" * 500) is ReasonCode.CORRUPT_FILE


def test_empty_upload_is_corrupt():
    assert _rejected(b"") is ReasonCode.CORRUPT_FILE


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_unsupported(fmt: str):
    data = _encode(_photo(), fmt)
    # Even when the name pretends otherwise: the bytes decide.
    assert _rejected(data, filename="photo.jpg") is ReasonCode.UNSUPPORTED_FORMAT


def test_text_file_is_unsupported():
    assert _rejected("購入日 2024年3月15日\n".encode()) is ReasonCode.UNSUPPORTED_FORMAT


def test_avif_is_recognised_but_unsupported():
    fake = b"\x00\x00\x00\x1cftypavif" + b"\x00" * 64
    assert _rejected(fake) is ReasonCode.UNSUPPORTED_FORMAT


def test_decompression_bomb_is_rejected_from_its_header():
    # 30000 x 30000 = 900 MP claimed by a file of ~100 bytes: never decoded.
    assert _rejected(_png_header_only(30000, 30000)) is ReasonCode.FILE_TOO_LARGE


def test_pixel_limit_is_configurable():
    data = _encode(_photo(100, 100), "PNG")
    assert _rejected(data, limits=LoadLimits(max_pixels=5_000)) is ReasonCode.FILE_TOO_LARGE


def test_more_than_20_mib_is_too_large():
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024)
    assert _rejected(data) is ReasonCode.FILE_TOO_LARGE


@pytest.mark.parametrize("fmt", ["WEBP", "GIF"])
def test_animated_images_are_rejected_by_default(fmt: str):
    frames = [Image.new("RGB", (16, 16), c) for c in ((255, 0, 0), (0, 255, 0))]
    data = _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    assert _rejected(data) is ReasonCode.UNSUPPORTED_FORMAT


def test_pdf_with_too_many_pages_is_too_large():
    pages = [_photo(20, 20) for _ in range(6)]
    data = _encode(pages[0], "PDF", save_all=True, append_images=pages[1:])
    assert _rejected(data) is ReasonCode.FILE_TOO_LARGE


def test_broken_pdf_is_corrupt():
    data = (INVOICES / "coolblue1.pdf").read_bytes()
    assert _rejected(data[:2000]) is ReasonCode.CORRUPT_FILE


# --------------------------------------------------------------------------- safe copy


def test_strip_location_removes_gps_from_jpeg_and_keeps_pixels_and_orientation():
    data = _encode(_photo(), "JPEG", exif=_exif_with_gps(6).tobytes(), quality=95)
    clean = strip_location(data)
    assert b"GPS" not in clean
    with Image.open(io.BytesIO(clean)) as im:
        exif = im.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert exif[ORIENTATION] == 6 and exif[0x010F] == "Apple"
    # Same pixels as the original (no re-encoding), displayed the same way.
    assert np.array_equal(load_document(clean).image, load_document(data).image)


def test_strip_location_drops_xmp_and_trailing_images():
    data = _encode(_photo(), "JPEG", exif=_exif_with_gps().tobytes())
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>35,40N</exif:GPSLatitude>"
    segment = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
    tampered = data[:2] + segment + data[2:] + b"\xff\xd8GPS-second-image\xff\xd9"
    clean = strip_location(tampered)
    assert b"GPSLatitude" not in clean and b"GPS-second-image" not in clean
    load_document(clean)  # still a valid picture


def test_strip_location_png_loses_metadata_and_stays_upright():
    im = _photo()
    data = _encode(im, "PNG", exif=_exif_with_gps(8).tobytes())
    clean = strip_location(data)
    assert b"eXIf" not in clean
    assert np.array_equal(load_document(clean).image, load_document(data).image)


def test_strip_location_never_expands_a_bomb():
    with pytest.raises(DocumentRejected) as info:
        strip_location(_png_header_only(30000, 30000))
    assert info.value.code is ReasonCode.FILE_TOO_LARGE


def test_strip_location_rejects_what_load_rejects():
    with pytest.raises(DocumentRejected):
        strip_location(b"GIF89a" + b"\x00" * 50)
