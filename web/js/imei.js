// IMEI / serial handling for the live feedback of form item 4. Mirrors
// shared/device_intake/domain/imei.py (normalize_digits, luhn_check_digit, is_valid_imei,
// classify_identifier); tests/e2e/test_js_parity.py compares both on the same inputs, so a
// change on one side must be made on the other.

const SEPARATORS = /[\s\-‐‑‒–—―ー－/.]/gu;
const SERIAL = /^[A-Z0-9]{6,20}$/;

/** NFKC-fold (full-width digits → ASCII) and drop grouping separators. */
export function normalizeDigits(text) {
  return String(text).normalize("NFKC").replace(SEPARATORS, "");
}

/** Luhn check digit for 14 IMEI digits. */
export function luhnCheckDigit(first14) {
  if (!/^\d{14}$/.test(first14)) throw new Error("need exactly 14 digits");
  let total = 0;
  for (let i = 0; i < 14; i += 1) {
    let d = Number(first14[i]);
    if (i % 2 === 1) {
      // every second digit from the left is doubled
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return (10 - (total % 10)) % 10;
}

/** True for 15 digits whose last digit is the Luhn check digit of the first 14. */
export function isValidImei(value) {
  const digits = normalizeDigits(value);
  return /^\d{15}$/.test(digits) && luhnCheckDigit(digits.slice(0, 14)) === Number(digits[14]);
}

/**
 * Classify what the subscriber typed.
 * @returns {{kind: "imei"|"imeisv"|"imei_bad_checksum"|"serial", value: string, imei: string|null}|null}
 */
export function classifyIdentifier(raw) {
  const folded = String(raw).normalize("NFKC").trim();
  const digits = folded.replace(SEPARATORS, "");
  const make = (kind, value) => {
    let imei = null;
    if (kind === "imei") imei = value;
    else if (kind === "imeisv") imei = value.slice(0, 14) + String(luhnCheckDigit(value.slice(0, 14)));
    return { kind, value, imei };
  };
  if (/^\d+$/.test(digits)) {
    if (digits.length === 15) return make(isValidImei(digits) ? "imei" : "imei_bad_checksum", digits);
    if (digits.length === 16) return make("imeisv", digits);
  }
  const serial = digits.toUpperCase();
  const allDigits = /^\d+$/.test(serial);
  if (SERIAL.test(serial) && !allDigits) return make("serial", serial);
  if (allDigits && serial.length >= 6 && serial.length <= 20 && ![14, 15, 16].includes(serial.length)) {
    return make("serial", serial); // some makers use a numeric 製造番号
  }
  return null;
}

/**
 * Live feedback for item 4: what the field currently holds, in Japanese.
 * @returns {{state: "empty"|"ok"|"info"|"error", message: string, identifier: ReturnType<typeof classifyIdentifier>}}
 */
export function identifierFeedback(raw) {
  const folded = String(raw || "").normalize("NFKC").trim();
  if (!folded) {
    return { state: "empty", message: "IMEI（15桁）、シリアル番号、製造番号のいずれかを入力してください。", identifier: null };
  }
  const id = classifyIdentifier(folded);
  const digits = folded.replace(SEPARATORS, "");
  if (id === null) {
    if (/^\d+$/.test(digits) && digits.length < 15) {
      return {
        state: "info",
        message: `IMEIは15桁です（現在${digits.length}桁）。`,
        identifier: null,
      };
    }
    if (/^\d+$/.test(digits) && digits.length > 16) {
      return { state: "error", message: `桁数が多すぎます（${digits.length}桁）。IMEIは15桁です。`, identifier: null };
    }
    return {
      state: "error",
      message: "使用できない文字が含まれています。半角・全角の数字と英字、ハイフンのみ入力できます。",
      identifier: null,
    };
  }
  switch (id.kind) {
    case "imei":
      return { state: "ok", message: "IMEIの形式とチェックディジットを確認しました。", identifier: id };
    case "imei_bad_checksum":
      return {
        state: "error",
        message: "IMEIの最後の桁（チェックディジット）が一致しません。入力した番号をもう一度ご確認ください。",
        identifier: id,
      };
    case "imeisv":
      return {
        state: "ok",
        message: `16桁のIMEISVです。IMEI ${id.imei} として登録します。`,
        identifier: id,
      };
    default: {
      const lengthNote = /^\d+$/.test(id.value) && id.value.length < 15 ? `（IMEIの場合は15桁です：現在${id.value.length}桁）` : "";
      return {
        state: "info",
        message: `シリアル番号／製造番号「${id.value}」として登録します。${lengthNote}`,
        identifier: id,
      };
    }
  }
}
