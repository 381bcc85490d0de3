// Image viewer with zoom/pan and an SVG overlay of the boxes the inspection found
// (device outline, IMEI row, purchase date, ...). Box coordinates are pixels of the
// normalised image (InspectionResult.image_size), so the SVG uses that as its viewBox and
// scales with the image.
import { h, svg } from "../../js/dom.js";

const COLORS = {
  device: "#00c853", screen: "#2979ff", imei_row: "#d500f9", purchase_date: "#ff6d00",
  model_name: "#00b8d4", document: "#ffd600", imei: "#d500f9", date: "#ff6d00",
};
const MIN_SCALE = 0.05;
const MAX_SCALE = 16;

export class ImageViewer {
  /**
   * @param {{kind: string, title: string, imageUrl: string|null, imageSize: [number, number]|null, boxes: any[]}} options
   */
  constructor({ kind, title, imageUrl, imageSize, boxes }) {
    this.kind = kind;
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    this.size = imageSize && imageSize[0] > 0 ? { w: imageSize[0], h: imageSize[1] } : null;
    this.boxes = boxes || [];
    this.stage = h("div", { class: "stage" });
    this.viewport = h("div", {
      class: "viewport", tabindex: "0", role: "img", id: `viewer-${kind}`,
      "aria-label": `${title}: drag to pan, wheel or +/- to zoom`,
    }, this.stage);
    this.overlay = null;
    if (imageUrl) {
      this.img = h("img", { src: imageUrl, alt: title, draggable: "false" });
      this.img.addEventListener("load", () => {
        if (!this.size) this.size = { w: this.img.naturalWidth, h: this.img.naturalHeight };
        this.layout();
        this.fit();
      });
      this.img.addEventListener("error", () => {
        this.viewport.replaceChildren(h("p", { class: "viewer-empty" }, "The image cannot be shown (it may be a PDF or not uploaded)."));
      });
      this.stage.append(this.img);
    } else {
      this.img = null;
      this.viewport.replaceChildren(h("p", { class: "viewer-empty" }, "Not uploaded."));
    }
    this.wire();
    if (this.size) this.layout();
  }

  layout() {
    if (!this.size || !this.img) return;
    this.stage.style.width = `${this.size.w}px`;
    this.stage.style.height = `${this.size.h}px`;
    if (this.overlay) this.overlay.remove();
    this.overlay = this.drawBoxes();
    this.stage.append(this.overlay);
  }

  drawBoxes() {
    const { w, h: height } = this.size;
    const root = svg("svg", { class: "overlay", viewBox: `0 0 ${w} ${height}`, width: w, height, "aria-hidden": "true" });
    const fontSize = Math.max(14, Math.round(Math.max(w, height) / 45));
    this.boxes.forEach((box, i) => {
      const pts = (box.points || []).map((p) => `${Number(p[0])},${Number(p[1])}`).join(" ");
      if (!pts) return;
      const color = COLORS[box.label] || "#ff1744";
      const group = svg("g", { class: "box", "data-label": String(box.label || ""), "data-index": i });
      group.append(svg("polygon", { points: pts, fill: "none", stroke: color, "stroke-width": 3, "vector-effect": "non-scaling-stroke" }));
      const [x0, y0] = box.points[0] || [0, 0];
      group.append(svg("text", {
        x: Number(x0), y: Math.max(fontSize, Number(y0) - 6), fill: color, "font-size": fontSize,
        stroke: "#000", "stroke-width": Math.max(1, fontSize / 8), "paint-order": "stroke",
      }, box.label || ""));
      // What was read there (OCR, attacker-controlled) only ever as text.
      if (box.text) group.append(svg("title", null, `${box.label}: ${box.text}`));
      root.append(group);
    });
    return root;
  }

  setBoxesVisible(visible) {
    this.viewport.classList.toggle("boxes-hidden", !visible);
  }

  apply() {
    this.stage.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
  }

  fit() {
    if (!this.size) return;
    const vw = this.viewport.clientWidth || 300;
    const vh = this.viewport.clientHeight || 300;
    this.scale = Math.min(vw / this.size.w, vh / this.size.h);
    this.x = (vw - this.size.w * this.scale) / 2;
    this.y = (vh - this.size.h * this.scale) / 2;
    this.apply();
  }

  /** Zoom by `factor` keeping the viewport point (cx, cy) fixed (default: the centre). */
  zoom(factor, cx, cy) {
    if (!this.size) return;
    const px = cx ?? this.viewport.clientWidth / 2;
    const py = cy ?? this.viewport.clientHeight / 2;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    const ratio = next / this.scale;
    this.x = px - (px - this.x) * ratio;
    this.y = py - (py - this.y) * ratio;
    this.scale = next;
    this.apply();
  }

  pan(dx, dy) {
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  wire() {
    const vp = this.viewport;
    vp.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = vp.getBoundingClientRect();
      this.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    let drag = null;
    vp.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX, y: event.clientY };
      vp.setPointerCapture(event.pointerId);
      vp.classList.add("dragging");
    });
    vp.addEventListener("pointermove", (event) => {
      if (!drag) return;
      this.pan(event.clientX - drag.x, event.clientY - drag.y);
      drag = { x: event.clientX, y: event.clientY };
    });
    const end = () => {
      drag = null;
      vp.classList.remove("dragging");
    };
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
    vp.addEventListener("dblclick", () => this.fit());
    vp.addEventListener("keydown", (event) => {
      const step = 40;
      const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) {
        event.preventDefault();
        this.pan(...moves[event.key]);
      }
    });
  }
}
