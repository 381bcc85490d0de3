// Japanese labels for the subscriber pages (codes come from docs/api.md; subscriber-facing
// reason texts come from the API's messages, never from here).

export const CATEGORIES = [
  ["smartphone", "スマートフォン"],
  ["tablet", "タブレット"],
  ["feature_phone", "携帯電話（フィーチャーフォン・ガラホ）"],
  ["smartwatch", "スマートウォッチ"],
  ["portable_game_console", "携帯ゲーム機"],
  ["game_console", "ゲーム機"],
  ["music_player", "携帯音楽プレーヤー"],
  ["wireless_earbuds", "ワイヤレスイヤホン"],
  ["laptop", "ノートパソコン"],
  ["desktop_pc", "デスクトップパソコン"],
  ["router", "ルーター"],
  ["mobile_data_device", "モバイルデータ通信端末"],
];

export const categoryLabel = (id) => (CATEGORIES.find(([key]) => key === id) || [id, id])[1];

export const DOCUMENT_LABELS = {
  proof: "購入証明書の写真",
  front: "端末の正面写真",
  back: "端末の背面写真",
};

export const REGISTRATION_STATUS = {
  AWAITING_UPLOADS: { label: "写真の提出待ち", tone: "pending" },
  INSPECTING: { label: "写真を確認中", tone: "pending" },
  DECIDING: { label: "審査中", tone: "pending" },
  APPROVED: { label: "登録完了", tone: "ok" },
  NEEDS_RESUBMISSION: { label: "不備あり・要修正", tone: "warn" },
  NEEDS_REVIEW: { label: "担当者が確認中", tone: "pending" },
  REJECTED: { label: "登録できません", tone: "error" },
  FAILED: { label: "処理エラー", tone: "error" },
};

export const DOCUMENT_STATUS = {
  AWAITING_UPLOAD: { label: "未提出", tone: "neutral" },
  UPLOADED: { label: "アップロード済み・確認待ち", tone: "pending" },
  INSPECTING: { label: "確認中", tone: "pending" },
  INSPECTED: { label: "確認済み", tone: "ok" },
  REJECTED_FILE: { label: "ファイルを読み取れません", tone: "error" },
};

export const CONTRACT_TYPES = [
  ["new", "新規契約"],
  ["mnp", "乗り換え（MNP）"],
  ["model_change", "機種変更"],
];

export const CARRIERS = [
  ["docomo", "docomo"],
  ["au", "au（KDDI）"],
  ["softbank", "SoftBank"],
  ["other", "その他"],
];

/** Statuses in which the pipeline is still working on its own (keep polling). */
export const IN_FLIGHT = new Set(["AWAITING_UPLOADS", "INSPECTING", "DECIDING"]);
