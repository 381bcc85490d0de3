"""Phone screens at native resolution: iOS 情報 / About, Android 端末の状態, the *#06# dialog.

Each renderer returns the screen as an RGB array plus what it shows (``ScreenContent``).
Sizes are proportional to the screen width so the same layout works from 750 px to 2048 px.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from tests.generator import data
from tests.generator.scene import font, latin_only


@dataclass
class Device:
    """The device being photographed: identity and looks."""

    maker: str
    apple: bool
    model: data.ModelInfo
    imei: str
    imei2: str | None
    serial: str
    eid: str | None
    tablet: bool
    screen_size: tuple[int, int]
    body_colour: tuple[int, int, int]
    phone_number: str


@dataclass
class ScreenContent:
    image: np.ndarray
    layout: str
    dark: bool
    status_bar: bool
    shown_imeis: list[str] = field(default_factory=list)
    shown_serial: str | None = None
    shown_model: str | None = None
    # Where the first IMEI's digits were drawn (x0, y0, x1, y1), for reviewers and debug.
    imei_box: tuple[int, int, int, int] | None = None


def make_device(rng: random.Random, split: data.Split, *, tablet: bool | None = None) -> Device:
    apple = rng.random() < 0.55
    entry = data.pick_tac(rng, apple=apple)
    is_tablet = (rng.random() < 0.12) if tablet is None else tablet
    model = data.pick_model(
        rng,
        maker="Apple"
        if apple
        else rng.choice(
            ["Google", "Samsung", "Sony", "Sharp", "Fujitsu", "Kyocera", "OPPO", "Xiaomi"]
        ),
    )
    if is_tablet and apple:
        pads = [m for m in data._models() if m.category == "tablet" and m.maker == "Apple"]
        if pads:
            model = rng.choice(pads)
    imei = data.make_imei(rng, entry.tac)
    dual = rng.random() < 0.7
    imei2 = data.make_imei(rng, entry.tac) if dual else None
    screens = data.TABLET_SCREENS[split] if is_tablet else data.PHONE_SCREENS[split]
    return Device(
        maker=model.maker,
        apple=apple,
        model=model,
        imei=imei,
        imei2=imei2,
        serial=data.make_serial(rng, apple=apple),
        eid=data.make_eid(rng) if rng.random() < 0.75 else None,
        tablet=is_tablet,
        screen_size=rng.choice(screens),
        body_colour=rng.choice(data.BODY_COLOURS[split]),
        phone_number=data.make_phone_number(rng),
    )


class _Painter:
    def __init__(
        self, w: int, h: int, bg: tuple[int, int, int], split: data.Split, mono: bool = False
    ):
        self.w, self.h = w, h
        self.img = Image.new("RGB", (w, h), bg)
        self.d = ImageDraw.Draw(self.img)
        self.jp = data.JP_FONTS[split]["gothic"]
        self.latin = data.LATIN_FONTS[split]["sans"]
        self.bold = data.LATIN_FONTS[split]["sans_bold"]
        # Base unit: iOS body text is 17 pt on a 390 pt wide screen.
        self.u = w / 390.0 if w < 1400 else w / 820.0

    def text(
        self,
        xy: tuple[float, float],
        s: str,
        size: float,
        fill: tuple[int, int, int],
        anchor: str = "la",
        path: Path | None = None,
    ) -> tuple[int, int, int, int]:
        if path is not None and not latin_only(s):
            path = None  # DejaVu has no kana/kanji
        f = font(path or self.jp, max(8, round(size * self.u)))
        self.d.text(xy, s, font=f, fill=fill, anchor=anchor)
        x0, y0, x1, y1 = self.d.textbbox(xy, s, font=f, anchor=anchor)
        return int(x0), int(y0), int(x1), int(y1)

    def status_bar(self, fg: tuple[int, int, int], rng: random.Random, apple: bool) -> float:
        u = self.u
        hh = 50 * u if apple else 28 * u
        t = f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}"
        if apple:
            self.text((34 * u, 18 * u), t, 16, fg, path=self.bold)
        else:
            self.text((14 * u, 6 * u), t, 13, fg, path=self.latin)
        bx = self.w - 40 * u
        by = 20 * u if apple else 9 * u
        self.d.rounded_rectangle(
            (bx, by, bx + 25 * u, by + 12 * u), radius=3 * u, outline=fg, width=max(1, round(u))
        )
        level = rng.uniform(0.2, 0.95)
        self.d.rectangle(
            (bx + 2 * u, by + 2 * u, bx + 2 * u + 21 * u * level, by + 10 * u), fill=fg
        )
        for i in range(4):  # signal bars
            x = bx - 60 * u + i * 6 * u
            self.d.rectangle((x, by + 10 * u - (i + 1) * 2.5 * u, x + 4 * u, by + 11 * u), fill=fg)
        return hh


def _ios_rows(dev: Device, english: bool, rng: random.Random) -> list[tuple[str, str] | None]:
    """Rows of 設定→一般→情報; ``None`` separates groups."""
    imei_fmt = data.group_imei(dev.imei, "apple")
    owner = rng.choice(["田中", "佐藤", "鈴木", "Yuki", "Ken"])
    name = f"{owner}の{'iPad' if dev.tablet else 'iPhone'}"
    ver = f"{rng.choice([16, 17, 18])}.{rng.randint(0, 6)}.{rng.randint(0, 1)}"
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3))
    model_no = f"M{letters}{rng.randint(1, 9)}J/A"
    warranty = f"期限: {rng.randint(2024, 2027)}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"
    if english:
        top: list[tuple[str, str] | None] = [
            ("Name", name.replace("の", "'s ")),
            ("iOS Version", ver),
            ("Model Name", dev.model.name),
            ("Model Number", model_no),
            ("Serial Number", dev.serial),
            None,
            ("Songs", str(rng.randint(0, 900))),
            ("Photos", f"{rng.randint(100, 9000):,}"),
            ("Applications", str(rng.randint(20, 150))),
            ("Capacity", rng.choice(["128 GB", "256 GB"])),
            None,
            ("Carrier", rng.choice(["docomo", "au", "SoftBank", "Rakuten"]) + " 58.0"),
        ]
        sim: list[tuple[str, str] | None] = [None, ("IMEI", imei_fmt)]
        if dev.imei2:
            sim += [("IMEI2", data.group_imei(dev.imei2, "apple"))]
        if dev.eid:
            sim += [("EID", dev.eid)]
        sim += [
            ("Modem Firmware", f"{rng.randint(1, 3)}.{rng.randint(0, 80):02d}.{rng.randint(0, 9)}")
        ]
        return [*top, *sim, None, ("SEID", ">"), None, ("Certificate Trust Settings", ">")]
    top = [
        ("名前", name),
        ("iOSバージョン", ver),
        ("機種名", dev.model.name),
        ("機種番号", model_no),
        ("シリアル番号", dev.serial),
        ("制限付き保証", warranty),
        None,
        ("曲", str(rng.randint(0, 900))),
        ("写真", f"{rng.randint(100, 9000):,}"),
        ("App", str(rng.randint(20, 150))),
        ("容量", rng.choice(["128 GB", "256 GB"])),
        ("使用可能", f"{rng.uniform(5, 90):.1f} GB"),
        None,
        ("キャリア", rng.choice(["docomo", "au", "SoftBank", "Rakuten"]) + " 58.0"),
    ]
    sim = [None, ("IMEI", imei_fmt)]
    if dev.imei2:
        sim += [("IMEI2", data.group_imei(dev.imei2, "apple"))]
    if dev.eid:
        sim += [("EID", dev.eid)]
    if rng.random() < 0.3:
        sim += [("MEID", data.make_meid(dev.imei))]
    sim += [
        (
            "モデムファームウェア",
            f"{rng.randint(1, 3)}.{rng.randint(0, 80):02d}.{rng.randint(0, 9)}",
        )
    ]
    # The real list goes on below the SIM group; without these rows a tall screen would end
    # in a blank half, which no real 情報 screen shows.
    return [
        *top,
        *sim,
        None,
        ("SEID", ">"),
        None,
        ("証明書信頼設定", ">"),
        ("法律に基づく情報", ">"),
    ]


def render_ios_about(
    dev: Device,
    rng: random.Random,
    split: data.Split,
    *,
    dark: bool,
    status_bar: bool,
    english: bool = False,
) -> ScreenContent:
    w, h = dev.screen_size
    bg = (0, 0, 0) if dark else (242, 242, 247)
    cell = (28, 28, 30) if dark else (255, 255, 255)
    fg = (255, 255, 255) if dark else (0, 0, 0)
    sub = (142, 142, 147) if dark else (138, 138, 142)
    sep = (56, 56, 58) if dark else (220, 220, 224)
    p = _Painter(w, h, bg, split)
    u = p.u
    y = p.status_bar(fg, rng, True) if status_bar else 12 * u
    p.text((16 * u, y + 10 * u), "< 一般" if not english else "< General", 17, (10, 132, 255))
    p.text((w / 2, y + 10 * u), "情報" if not english else "About", 17, fg, anchor="ma")
    y += 56 * u
    rows = _ios_rows(dev, english, rng)
    # Scroll so that the whole IMEI group is on screen, as a subscriber would before taking
    # the photo; where exactly it sits on the screen varies.
    row_h = 44 * u
    gap = 34 * u
    offsets, pos = [], 0.0
    for r in rows:
        offsets.append(pos)
        pos += gap if r is None else row_h
    total = pos
    visible = h - y - 20 * u
    imei_rows = [
        i for i, r in enumerate(rows) if r is not None and r[0] in ("IMEI", "IMEI2", "EID")
    ]
    group_top, group_end = offsets[imei_rows[0]], offsets[imei_rows[-1]] + row_h
    lo = max(0.0, group_end - visible + row_h)
    hi = max(lo, min(group_top - row_h, total - visible))
    scroll = rng.uniform(lo, hi)
    y -= scroll
    content = ScreenContent(
        np.zeros(1), "ios_about_en" if english else "ios_about", dark, status_bar
    )
    left, right = 16 * u, w - 16 * u
    for r in rows:
        if r is None:
            y += gap
            continue
        if y + row_h > h or y < (60 * u if status_bar else 0):
            y += row_h
            continue
        p.d.rectangle((left, y, right, y + row_h), fill=cell)
        p.d.line(
            (left + 16 * u, y + row_h - 1, right, y + row_h - 1),
            fill=sep,
            width=max(1, round(u / 2)),
        )
        label, value = r
        p.text((left + 16 * u, y + row_h / 2), label, 17, fg, anchor="lm")
        vsize = 17 if len(value) < 24 else max(10.5, 17 * 22 / len(value))
        box = p.text(
            (right - 16 * u, y + row_h / 2),
            value,
            vsize,
            sub,
            anchor="rm",
            path=p.jp if any(ord(c) > 127 for c in value) else p.latin,
        )
        if label in ("IMEI", "IMEI2"):
            digits = value.replace(" ", "")
            content.shown_imeis.append(digits)
            if label == "IMEI":
                content.imei_box = box
        if label in ("シリアル番号", "Serial Number"):
            content.shown_serial = value
        if label in ("機種名", "Model Name"):
            content.shown_model = value
        y += row_h
    content.image = np.asarray(p.img)
    return content


def render_android_status(
    dev: Device, rng: random.Random, split: data.Split, *, dark: bool, status_bar: bool
) -> ScreenContent:
    w, h = dev.screen_size
    bg = (18, 18, 20) if dark else (250, 250, 252)
    fg = (235, 235, 240) if dark else (25, 25, 28)
    sub = (170, 170, 178) if dark else (95, 95, 105)
    p = _Painter(w, h, bg, split)
    u = p.u
    y = p.status_bar(fg, rng, False) if status_bar else 8 * u
    title = rng.choice(["端末の状態", "デバイス情報", "端末情報"])
    p.text((56 * u, y + 20 * u), "←", 22, fg, path=p.latin)
    p.text((100 * u, y + 20 * u), title, 22, fg)
    y += 80 * u
    slot = rng.random() < 0.5
    rows: list[tuple[str, str]] = [
        ("電話番号" + (" (SIMスロット1)" if slot else ""), dev.phone_number),
        ("IMEI" + (" (SIMスロット1)" if slot else ""), dev.imei),
    ]
    if rng.random() < 0.6:
        rows.append(("IMEI SV", f"{rng.randint(1, 99):02d}"))
    if dev.imei2:
        rows.append(("IMEI" + (" (SIMスロット2)" if slot else "2"), dev.imei2))
    rows += [
        ("モデル", dev.model.name),
        ("シリアル番号", dev.serial),
        ("Android バージョン", str(rng.randint(11, 15))),
        (
            "ビルド番号",
            f"{rng.choice(['UP1A', 'TP1A', 'AP2A'])}.{rng.randint(230000, 250000)}"
            f".{rng.randint(1, 99):03d}",
        ),
        ("稼働時間", f"{rng.randint(1, 400)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"),
    ]
    if rng.random() < 0.5:
        rows.insert(0, ("デバイス名", f"{dev.model.name}"))
    content = ScreenContent(np.zeros(1), "android_status", dark, status_bar)
    content.shown_model = dev.model.name
    for label, value in rows:
        if y + 70 * u > h:
            break
        p.text((24 * u, y), label, 17, fg)
        box = p.text(
            (24 * u, y + 28 * u),
            value,
            15,
            sub,
            path=p.jp if any(ord(c) > 127 for c in value) else p.latin,
        )
        if label.startswith("IMEI") and "SV" not in label:
            content.shown_imeis.append(value)
            if content.imei_box is None:
                content.imei_box = box
        if label == "シリアル番号":
            content.shown_serial = value
        y += 74 * u
    content.image = np.asarray(p.img)
    return content


def render_dial_06(
    dev: Device, rng: random.Random, split: data.Split, *, dark: bool, status_bar: bool
) -> ScreenContent:
    w, h = dev.screen_size
    bg = (10, 10, 12) if dark else (248, 248, 250)
    fg = (240, 240, 240) if dark else (20, 20, 20)
    p = _Painter(w, h, bg, split)
    u = p.u
    if status_bar:
        p.status_bar(fg, rng, dev.apple)
    p.text((w / 2, 110 * u), "*#06#", 34, fg, anchor="ma", path=p.latin)
    # Dimmed keypad behind the dialog.
    for i, k in enumerate("123456789*0#"):
        cx = w / 2 + ((i % 3) - 1) * 100 * u
        cy = h * 0.45 + (i // 3) * 90 * u
        p.d.ellipse(
            (cx - 38 * u, cy - 38 * u, cx + 38 * u, cy + 38 * u),
            fill=(60, 60, 64) if dark else (225, 225, 230),
        )
        p.text((cx, cy), k, 30, fg, anchor="mm", path=p.latin)
    dw = w * 0.8
    lines: list[tuple[str, str]] = [("IMEI", dev.imei)]
    if dev.imei2:
        lines.append(("IMEI2", dev.imei2))
    if rng.random() < 0.4:
        lines.append(("MEID", data.make_meid(dev.imei)))
    if dev.eid:
        lines.append(("EID", dev.eid))
    barcodes = rng.random() < 0.4
    line_h = (95 if barcodes else 60) * u
    dh = 120 * u + line_h * len(lines)
    x0, y0 = (w - dw) / 2, (h - dh) / 2
    dbg = (44, 44, 48) if dark else (255, 255, 255)
    p.d.rectangle((0, 0, w, h), fill=None)
    p.d.rounded_rectangle((x0, y0, x0 + dw, y0 + dh), radius=14 * u, fill=dbg)
    p.text((w / 2, y0 + 20 * u), "デバイス情報" if not dev.apple else "IMEI", 18, fg, anchor="ma")
    content = ScreenContent(np.zeros(1), "dial_06", dark, status_bar)
    y = y0 + 60 * u
    for label, value in lines:
        shown = data.group_imei(value, "apple") if dev.apple and label.startswith("IMEI") else value
        size = 15 if len(shown) < 24 else 15 * 22 / len(shown)
        box = p.text(
            (w / 2, y),
            f"{label}: {shown}" if not dev.apple else shown,
            size,
            fg,
            anchor="ma",
            path=p.latin,
        )
        if dev.apple:
            p.text((w / 2, y - 16 * u), label, 11, (140, 140, 145), anchor="ma", path=p.latin)
        if label.startswith("IMEI"):
            content.shown_imeis.append(value)
            if content.imei_box is None:
                content.imei_box = box
        if barcodes:
            bx = x0 + dw * 0.15
            for _ in range(60):
                bw = rng.choice([1, 1, 2, 3]) * u
                if rng.random() < 0.55:
                    p.d.rectangle((bx, y + 24 * u, bx + bw, y + 60 * u), fill=fg)
                bx += bw
                if bx > x0 + dw * 0.85:
                    break
        y += line_h
    p.text((x0 + dw - 30 * u, y0 + dh - 40 * u), "OK", 17, (10, 132, 255), path=p.latin)
    content.image = np.asarray(p.img)
    return content


def render_home(
    dev: Device, rng: random.Random, split: data.Split, *, dark: bool, status_bar: bool
) -> ScreenContent:
    """A home screen: a powered-on device that shows no IMEI (IMEI_NOT_FOUND)."""
    w, h = dev.screen_size
    top = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    bot = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    grad = (top * (1 - t) + bot * t) * np.ones((1, w, 1), np.float32)
    p = _Painter(w, h, (0, 0, 0), split)
    p.img = Image.fromarray(grad.astype(np.uint8))
    p.d = ImageDraw.Draw(p.img)
    u = p.u
    if status_bar:
        p.status_bar((255, 255, 255), rng, dev.apple)
    p.text(
        (w / 2, 90 * u),
        f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}",
        60,
        (255, 255, 255),
        anchor="ma",
        path=p.latin,
    )
    for r in range(5):
        for c in range(4):
            x = 28 * u + c * 88 * u
            y = 260 * u + r * 100 * u
            if y + 64 * u > h:
                continue
            col = tuple(rng.randint(30, 255) for _ in range(3))
            p.d.rounded_rectangle((x, y, x + 62 * u, y + 62 * u), radius=14 * u, fill=col)
    content = ScreenContent(np.asarray(p.img), "home", dark, status_bar)
    return content


LAYOUTS = ("ios_about", "ios_about_en", "android_status", "dial_06")


def render_screen(
    dev: Device, rng: random.Random, split: data.Split, layout: str, *, dark: bool, status_bar: bool
) -> ScreenContent:
    if layout == "ios_about":
        return render_ios_about(dev, rng, split, dark=dark, status_bar=status_bar)
    if layout == "ios_about_en":
        return render_ios_about(dev, rng, split, dark=dark, status_bar=status_bar, english=True)
    if layout == "android_status":
        return render_android_status(dev, rng, split, dark=dark, status_bar=status_bar)
    if layout == "dial_06":
        return render_dial_06(dev, rng, split, dark=dark, status_bar=status_bar)
    return render_home(dev, rng, split, dark=dark, status_bar=status_bar)


def pick_layout(dev: Device, rng: random.Random) -> str:
    if dev.apple:
        return rng.choice(["ios_about", "ios_about", "ios_about_en", "dial_06"])
    return rng.choice(["android_status", "android_status", "dial_06"])
