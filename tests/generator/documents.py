"""Purchase proofs: receipts, carrier contracts, order e-mails, warranty cards, carrier web pages.

A document is laid out on a :class:`Page`, which records every text run it draws (text,
position, size) so that PDFs can carry a matching text layer and tests can check that the
labelled values were really rendered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from tests.generator import data
from tests.generator.scene import font, latin_only


@dataclass
class TextRun:
    text: str
    x: float
    y: float  # top of the text box
    size: float  # pixel height of the font
    width: float


class Page:
    def __init__(
        self,
        w: int,
        h: int,
        split: data.Split,
        *,
        bg: tuple[int, int, int] = (255, 255, 255),
        face: str = "gothic",
        margin: float = 0.07,
    ):
        self.w, self.h = w, h
        self.img = Image.new("RGB", (w, h), bg)
        self.d = ImageDraw.Draw(self.img)
        self.split = split
        self.face = data.JP_FONTS[split][face]
        self.mono = data.LATIN_FONTS[split]["mono"]
        self.margin = int(w * margin)
        self.y = float(self.margin)
        self.runs: list[TextRun] = []

    def text_at(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        *,
        anchor: str = "la",
        fill: tuple[int, int, int] = (20, 20, 20),
        path: Path | None = None,
    ) -> tuple[int, int, int, int]:
        if path is not None and not latin_only(s):
            path = None  # DejaVu has no kana/kanji: never draw tofu where a label expects text
        f = font(path or self.face, max(6, round(size)))
        self.d.text((x, y), s, font=f, fill=fill, anchor=anchor)
        box = self.d.textbbox((x, y), s, font=f, anchor=anchor)
        self.runs.append(TextRun(s, box[0], box[1], round(size), box[2] - box[0]))
        return box  # type: ignore[return-value]

    def line(
        self,
        s: str,
        size: float,
        *,
        align: str = "left",
        gap: float = 0.45,
        fill: tuple[int, int, int] = (20, 20, 20),
        path: Path | None = None,
    ) -> None:
        if align == "center":
            self.text_at(self.w / 2, self.y, s, size, anchor="ma", fill=fill, path=path)
        elif align == "right":
            self.text_at(self.w - self.margin, self.y, s, size, anchor="ra", fill=fill, path=path)
        else:
            self.text_at(self.margin, self.y, s, size, fill=fill, path=path)
        self.y += size * (1 + gap)

    def kv(
        self,
        label: str,
        value: str,
        size: float,
        *,
        value_x: float | None = None,
        fill: tuple[int, int, int] = (20, 20, 20),
    ) -> None:
        label_end = self.text_at(self.margin, self.y, label, size, fill=fill)[2]
        f = font(self.face, max(6, round(size)))
        width = self.d.textbbox((0, 0), value, font=f)[2]
        start = self.w - self.margin - width if value_x is None else value_x
        if start < label_end + size * 0.5:
            # A value too long to sit beside its label wraps onto a line of its own, as on
            # a narrow web page or a form (drawn over the label, neither could be read).
            self.y += size * 1.3
        if value_x is None:
            self.text_at(self.w - self.margin, self.y, value, size, anchor="ra", fill=fill)
        else:
            self.text_at(value_x, self.y, value, size, fill=fill)
        self.y += size * 1.5

    def rule(self, dashed: bool = False, width: int = 2) -> None:
        y = self.y + 4
        if dashed:
            x = float(self.margin)
            while x < self.w - self.margin:
                self.d.line((x, y, x + 10, y), fill=(60, 60, 60), width=width)
                x += 18
        else:
            self.d.line((self.margin, y, self.w - self.margin, y), fill=(60, 60, 60), width=width)
        self.y += 16

    def space(self, px: float) -> None:
        self.y += px

    def array(self) -> np.ndarray:
        return np.asarray(self.img)

    def thermal(self, rng: random.Random) -> None:
        """Thermal-paper print: greyer, unevenly faded ink with faint vertical head streaks."""
        arr = np.asarray(self.img).astype(np.float32)
        w = arr.shape[1]
        fade = rng.uniform(0.6, 0.92)
        nrng = np.random.default_rng(rng.randint(0, 2**31))
        # Print-head elements differ slightly: a per-column darkness factor.
        cols = np.clip(1 + nrng.normal(0, 0.06, w), 0.75, 1.1).astype(np.float32)
        streak = np.convolve(cols, np.ones(5, np.float32) / 5, mode="same")
        ink = (255.0 - arr) * fade * streak[None, :, None]
        self.img = Image.fromarray(np.clip(255.0 - ink, 0, 255).astype(np.uint8))
        self.d = ImageDraw.Draw(self.img)

    def crop_to_content(self, pad: int) -> None:
        """Receipts are cut from a roll: the page ends shortly after the last line."""
        h = int(min(self.h, self.y + pad))
        self.img = self.img.crop((0, 0, self.w, h))
        self.d = ImageDraw.Draw(self.img)
        self.h = h


@dataclass
class ProofFacts:
    """What a proof document states (the label) and how it says it."""

    purchase_date: date | None
    model: data.ModelInfo | None
    model_text: str | None
    imei: str | None
    serial: str | None
    store: data.Store
    branch: str
    price: int
    carrier: str | None
    date_format: str
    purchase_label: str | None
    distractors: list[tuple[str, date]] = field(default_factory=list)
    # Whether the document names the store / states the price (the label follows the drawing).
    store_shown: bool = True
    price_shown: bool = True
    rendered_dates: dict[str, str] = field(default_factory=dict)


def make_facts(
    rng: random.Random,
    *,
    store: data.Store | None = None,
    with_date: bool = True,
    with_model: bool = True,
    with_id: bool | None = None,
) -> ProofFacts:
    model = data.pick_model(rng)
    released = model.released_on or date(2022, 9, 1)
    start = max(released, date(2019, 1, 1))
    purchase = data.random_date(rng, start, min(date(2026, 10, 31), start + timedelta(days=900)))
    storage = rng.choice(data.STORAGES)
    colour = rng.choice(data.COLOURS_JA)
    model_text = rng.choice(
        [
            f"{model.name} {storage} {colour}",
            f"{model.name} {storage}",
            model.name,
            f"{model.name}（{colour}）{storage}",
        ]
    )
    st = store or rng.choice(data.STORES)
    if with_id is None:
        with_id = rng.random() < 0.5
    entry = data.pick_tac(rng, apple=model.maker == "Apple")
    # Apple receipts and warranty cards often print the serial number instead of the IMEI.
    by_serial = bool(with_id) and model.maker == "Apple" and rng.random() < 0.35
    imei = data.make_imei(rng, entry.tac) if with_id and not by_serial else None
    serial = data.make_serial(rng, apple=True) if by_serial else None
    fmt = data.pick_date_format(rng, purchase)
    price = rng.randrange(19800, 249800, 100)
    return ProofFacts(
        purchase_date=purchase if with_date else None,
        model=model if with_model else None,
        model_text=model_text if with_model else None,
        imei=imei,
        serial=serial,
        store=st,
        branch=rng.choice(data.BRANCHES),
        price=price,
        carrier=st.carrier
        or (rng.choice(["docomo", "au", "softbank"]) if rng.random() < 0.3 else None),
        date_format=fmt,
        purchase_label=None,
    )


def _ident(f: ProofFacts, rng: random.Random, imei_labels: list[str]) -> tuple[str, str] | None:
    """The device identifier row, if the document has one: IMEI, or a serial number."""
    if f.imei:
        return rng.choice(imei_labels), f.imei
    if f.serial:
        return rng.choice(["シリアル番号", "製造番号", "S/N"]), f.serial
    return None


def _d(f: ProofFacts, d: date) -> str:
    return data.format_date(d, f.date_format)


def _yen(v: int, rng: random.Random) -> str:
    return rng.choice([f"¥{v:,}", f"￥{v:,}", f"{v:,}円"])


def _purchase_line(
    page: Page, f: ProofFacts, labels: list[str], size: float, rng: random.Random
) -> None:
    if f.purchase_date is None:
        return
    label = rng.choice(labels)
    f.purchase_label = label
    text = _d(f, f.purchase_date)
    f.rendered_dates[label] = text
    page.kv(label, text, size)


def _distractor(page: Page, f: ProofFacts, label: str, d: date, size: float) -> None:
    if f.purchase_date is None:
        return  # a "no date" document has no dates at all, so DATE_NOT_FOUND is unambiguous
    text = _d(f, d)
    f.distractors.append((label, d))
    f.rendered_dates[label] = text
    page.kv(label, text, size)


def receipt(f: ProofFacts, rng: random.Random, split: data.Split) -> Page:
    f.carrier = f.store.carrier  # a receipt names the shop, not a contract
    w = rng.choice([760, 860, 960])
    s = w / 30
    p = Page(w, int(w * 3.2), split, bg=(248, 247, 242), margin=0.06)
    p.line(f.store.name, s * 1.6, align="center")
    p.line(f.branch, s, align="center")
    p.line(
        f"TEL 03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        s * 0.8,
        align="center",
        path=p.mono,
    )
    p.space(s * 0.5)
    p.line(rng.choice(["領収書", "レシート", "お買上げ明細"]), s * 1.3, align="center")
    p.rule(dashed=True)
    _purchase_line(p, f, ["お買上げ日", "ご購入日", "購入日", "発行日"], s, rng)
    p.kv("レジ", f"{rng.randint(1, 40):04d}  担当 {rng.randint(100, 999)}", s * 0.85)
    p.rule(dashed=True)
    if f.model_text:
        p.line(f.model_text, s)
        p.line(f"   1点  {_yen(f.price, rng)}", s, align="right")
    else:
        p.line(rng.choice(["スマートフォン本体", "携帯電話機", "通信機器"]), s)
        p.line(f"   1点  {_yen(f.price, rng)}", s, align="right")
    if ident := _ident(f, rng, ["製造番号", "IMEI", "シリアル/IMEI"]):
        p.line(f"{ident[0]}: {ident[1]}", s * 0.9, path=p.mono if rng.random() < 0.5 else None)
    extra = 0
    if rng.random() < 0.5:
        extra = rng.choice([1980, 2480, 3980])
        p.line(rng.choice(["保護フィルム", "USB-Cケーブル", "スマホケース"]), s)
        p.line(f"   1点  {_yen(extra, rng)}", s, align="right")
    p.rule(dashed=True)
    total = f.price + extra
    f.price = total
    p.kv("小計", _yen(total, rng), s)
    p.kv("(内消費税等 10%)", _yen(total // 11, rng), s * 0.85)
    p.kv("合計", _yen(total, rng), s * 1.3)
    p.kv(rng.choice(["クレジット", "お預り", "電子マネー"]), _yen(total, rng), s)
    p.rule(dashed=True)
    if f.purchase_date:
        _distractor(
            p, f, "保証期限", f.purchase_date + timedelta(days=365 + rng.randint(0, 700)), s * 0.85
        )
    p.line(f"ポイント残高 {rng.randint(0, 30000):,}pt", s * 0.85)
    p.line("上記正に領収いたしました", s * 0.85, align="center")
    p.crop_to_content(int(s * 3))
    p.thermal(rng)
    return p


CONTRACT_TITLES = {
    "docomo": ["Xiサービス契約申込書", "ご契約内容確認書", "個別信用購入あっせん契約申込書"],
    "au": [
        "ご契約の内容（au通信サービス契約）",
        "ご契約の内容（機種変更）",
        "個別信用購入あっせん契約申込書",
    ],
    "softbank": [
        "【機種変更】申込み内容確認書",
        "【乗換(MNP)転入】申込内容確認書",
        "個別信用購入あっせん契約申込書",
    ],
}


def contract(f: ProofFacts, rng: random.Random, split: data.Split) -> Page:
    w = rng.choice([1240, 1400, 1654])
    h = int(w * 1.414)
    s = w / 52
    p = Page(w, h, split, face=rng.choice(["gothic", "mincho"]))
    carrier = f.carrier or rng.choice(["docomo", "au", "softbank"])
    f.carrier = carrier
    p.line(rng.choice(CONTRACT_TITLES[carrier]), s * 1.8, align="center")
    p.line(
        {"docomo": "株式会社NTTドコモ", "au": "KDDI株式会社", "softbank": "ソフトバンク株式会社"}[
            carrier
        ],
        s,
        align="right",
    )
    p.space(s)
    _purchase_line(p, f, ["契約日", "お申込日", "ご購入日", "受付日"], s, rng)
    p.kv("お客様名", rng.choice(["山田 太郎 様", "佐々木 花子 様", "高橋 健 様"]), s)
    p.kv("電話番号", data.make_phone_number(rng), s)
    p.rule()
    p.line(rng.choice(["■ 移動機情報", "■ 機種情報", "＜機種情報＞"]), s * 1.2)
    if f.model_text:
        p.kv("機種名", f.model_text, s)
    else:
        p.kv("商品", rng.choice(["スマートフォン", "移動機一式"]), s)
    if ident := _ident(f, rng, ["製造番号", "IMEI", "製造番号(IMEI)"]):
        p.kv(*ident, s)
    p.kv("販売店", f"{f.store.name} {f.branch}", s)
    p.rule()
    p.line("■ お支払い", s * 1.2)
    months = rng.choice([24, 36, 48])
    p.kv("機種代金", _yen(f.price, rng), s)
    p.kv("分割回数", f"{months}回", s)
    p.kv("月々のお支払額", _yen(f.price // months, rng), s)
    if f.purchase_date:
        _distractor(p, f, "初回支払期日", f.purchase_date + timedelta(days=rng.randint(35, 70)), s)
    p.rule()
    p.line("■ ご契約プラン", s * 1.2)
    p.kv("料金プラン", rng.choice(["eximo", "使い放題MAX 5G", "メリハリ無制限+", "ahamo"]), s)
    p.kv(
        "オプション",
        rng.choice(["ケータイ補償サービス", "故障紛失サポート", "あんしん保証パック"]),
        s,
    )
    if f.purchase_date:
        _distractor(p, f, "印刷日", f.purchase_date + timedelta(days=rng.randint(0, 400)), s * 0.9)
    p.y = max(p.y, h * 0.85)
    p.line("本書はお客様のご契約内容を確認するための書面です。大切に保管してください。", s * 0.8)
    return p


def order_email(f: ProofFacts, rng: random.Random, split: data.Split) -> Page:
    w = rng.choice([1100, 1240])
    h = int(w * 1.3)
    s = w / 48
    p = Page(w, h, split)
    shop = (
        f.store.name
        if f.store.kind == "online"
        else rng.choice(["Amazon.co.jp", "楽天モバイル", "Apple Store オンライン"])
    )
    f.store = data.Store(shop, "online")
    f.carrier = None
    p.d.rectangle((0, 0, w, s * 5), fill=(235, 238, 245))
    p.y = s
    p.line(f"件名: 【{shop}】ご注文の確認", s * 1.1)
    p.line(f"差出人: {shop} <order-update@example.jp>", s * 0.85, fill=(80, 80, 90))
    p.space(s * 1.5)
    p.line("この度はご注文いただきありがとうございます。", s)
    p.line(
        f"ご注文番号: {rng.randint(100, 999)}-{rng.randint(10**6, 10**7 - 1)}"
        f"-{rng.randint(10**6, 10**7 - 1)}",
        s,
        path=p.mono,
    )
    p.rule()
    _purchase_line(p, f, ["注文日", "ご注文日"], s, rng)
    if f.purchase_date:
        _distractor(p, f, "発送日", f.purchase_date + timedelta(days=rng.randint(1, 3)), s)
        _distractor(p, f, "お届け予定日", f.purchase_date + timedelta(days=rng.randint(3, 6)), s)
    p.rule()
    p.line(f.model_text or rng.choice(["スマートフォン 1点", "ご注文の商品 1点"]), s)
    if ident := _ident(f, rng, ["IMEI"]):
        p.kv(*ident, s)
    p.kv("商品の小計", _yen(f.price, rng), s)
    p.kv("配送料・手数料", "¥0", s)
    p.kv("ご請求額", _yen(f.price, rng), s * 1.2)
    p.rule()
    p.line("お届け先: 東京都 ○○区 △△ 1-2-3", s * 0.9)
    return p


def warranty(f: ProofFacts, rng: random.Random, split: data.Split) -> Page:
    f.carrier = f.store.carrier
    f.price_shown = False  # a warranty card states no price
    w = rng.choice([1400, 1600])
    h = int(w * 0.68)
    s = w / 55
    p = Page(w, h, split, face=rng.choice(["gothic", "mincho"]), bg=(252, 250, 240))
    p.d.rectangle((s, s, w - s, h - s), outline=(40, 60, 120), width=max(3, int(s / 4)))
    p.y = s * 2.5
    p.line("保　証　書", s * 2.2, align="center")
    p.line(
        "本書は、お買上げ日から下記期間中に故障が発生した場合に無料修理を行うことをお約束するものです。",
        s * 0.7,
    )
    p.kv("品名", "スマートフォン", s)
    if f.model_text:
        p.kv("型名", f.model_text, s)
    if ident := _ident(f, rng, ["製造番号"]):
        p.kv(*ident, s)
    p.kv("保証期間", "お買上げ日より1年間", s)
    _purchase_line(p, f, ["お買上げ日", "ご購入日"], s, rng)
    if f.purchase_date:
        _distractor(p, f, "保証期限", f.purchase_date + timedelta(days=365), s)
    p.kv("販売店", f"{f.store.name} {f.branch}", s)
    # The shop stamp (印): a red circle with the shop's name, slightly rotated text.
    cx, cy, r = w * 0.8, h * 0.72, s * 3
    p.d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 40, 40), width=max(3, int(s / 5)))
    p.d.text(
        (cx, cy), f.store.name[:6], font=font(p.face, int(s * 0.8)), fill=(200, 40, 40), anchor="mm"
    )
    return p


WEB_STYLES = {
    "docomo": ("My docomo", (204, 0, 51)),
    "au": ("My au", (235, 90, 0)),
    "softbank": ("My SoftBank", (60, 60, 60)),
}


def carrier_web(f: ProofFacts, rng: random.Random, split: data.Split) -> Page:
    f.store_shown = False  # the carrier's page names the carrier, not the shop
    carrier = f.carrier or rng.choice(["docomo", "au", "softbank"])
    f.carrier = carrier
    f.store = data.Store(
        {"docomo": "docomoショップ", "au": "auショップ", "softbank": "ソフトバンク"}[carrier],
        "carrier",
        carrier,
    )
    mobile = rng.random() < 0.6
    w, h = (
        rng.choice(data.PHONE_SCREENS[split])
        if mobile
        else rng.choice([(1366, 1600), (1280, 1500)])
    )
    s = w / (24 if mobile else 50)
    p = Page(w, h, split, bg=(250, 250, 250), margin=0.05)
    title, colour = WEB_STYLES[carrier]
    p.d.rectangle((0, 0, w, s * 4), fill=colour)
    p.text_at(s, s * 1.2, title, s * 1.5, fill=(255, 255, 255))
    p.y = s * 5.5
    p.line(rng.choice(["ご契約内容の確認", "お申込み履歴の確認", "契約書面の確認"]), s * 1.3)
    p.line(rng.choice(["ご契約の内容（機種変更）", "申込内容確認書", "Xiサービス契約申込書"]), s)
    p.rule()
    _purchase_line(p, f, ["契約日", "お申込日", "購入日"], s, rng)
    p.line(rng.choice(["＜移動機情報＞", "＜機種情報＞"]), s * 1.1)
    if f.model_text:
        p.kv("機種名", f.model_text, s)
    if ident := _ident(f, rng, ["製造番号", "IMEI"]):
        p.kv(*ident, s)
    p.kv("機種代金", _yen(f.price, rng), s)
    p.rule()
    if f.purchase_date:
        _distractor(
            p, f, "書面発行日", f.purchase_date + timedelta(days=rng.randint(0, 300)), s * 0.9
        )
    p.line("※本画面の内容は、お申込み時点のものです。", s * 0.8, fill=(110, 110, 110))
    return p


DOC_RENDERERS = {
    "receipt": receipt,
    "contract": contract,
    "email": order_email,
    "warranty": warranty,
    "carrier_web": carrier_web,
}


def render_wrong_text_page(rng: random.Random, split: data.Split) -> Page:
    """Contract small print (terms): a paper photographed instead of the device."""
    w, h = 1240, 1754
    p = Page(w, h, split, face="mincho")
    p.line("ご契約に関する重要事項説明", 40, align="center")
    sentences = [
        "第1条 本規約は、当社が提供するサービスの利用条件を定めるものです。",
        "第2条 お客様は、本規約に同意の上、本サービスを利用するものとします。",
        "第3条 料金は毎月末日締めとし、翌月にご請求いたします。",
        "第4条 解約の場合は、所定の手続きを行うものとします。",
    ]
    while p.y < h - 120:
        p.line(rng.choice(sentences), 26, gap=0.6)
    return p


__all__ = ["DOC_RENDERERS", "Page", "ProofFacts", "TextRun", "make_facts", "render_wrong_text_page"]
