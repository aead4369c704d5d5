/**
 * Plugin name normalization for typosquat detection (R1). Modelled on PyPI's PEP 503
 * normalization and npm's punctuation rule, extended with digit and letter lookalikes and the
 * Cyrillic and Greek letters that render like Latin ones (Unicode TR39 confusables, the subset
 * that matters for lower-case ASCII names).
 */

/** Cyrillic, Greek and other letters that look like a Latin letter, after lower-casing. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  з: "3",
  і: "i",
  ї: "i",
  ј: "j",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  п: "n",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  ԁ: "d",
  һ: "h",
  ԛ: "q",
  ԝ: "w",
  ӏ: "l",
  // Greek
  α: "a",
  β: "b",
  γ: "y",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  // Latin lookalikes
  ı: "i",
  ȷ: "j",
  ł: "l",
  ß: "ss",
};

/** Digits and letters that read alike, applied after confusables: 0→o, 1→l, i→l (and l stays l). */
const LOOKALIKES: Readonly<Record<string, string>> = { "0": "o", "1": "l", i: "l", "|": "l" };

/**
 * The collision key of a name: NFKC, lower case, confusable letters mapped to Latin, `-`, `_`
 * and `.` removed, then `0→o`, `1→l`, `i→l`. Two names with the same key collide.
 */
export function normalizeName(name: string): string {
  const folded = name.normalize("NFKC").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  let out = "";
  for (const ch of folded) {
    if (ch === "-" || ch === "_" || ch === "." || /\s/u.test(ch)) continue;
    const latin = CONFUSABLES[ch] ?? ch;
    for (const c of latin) out += LOOKALIKES[c] ?? c;
  }
  return out;
}

/**
 * Levenshtein distance, capped: returns `max + 1` as soon as the distance must exceed `max`,
 * so comparing one name against ten thousand stays cheap.
 */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
