import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ParsedSummary, SectionJson, SummaryJson } from "~/lib/importer";
export { seededRandom as prng } from "../../seeded-random";

// Everything a test reads lives in the repository: the seed in db/seed/, the importer's other
// texts (written for the tests, in the style of real reports) in tests/fixtures/importer/.
export const SEED_PATH = fileURLToPath(new URL("../../../db/seed/pingdong-2024-summary.txt", import.meta.url));
export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/importer/", import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES_DIR}${name}`, "utf8");
}

export function readSeed(): string {
  return readFileSync(SEED_PATH, "utf8");
}

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf8"));
}

/** The section tree as "number kind" lines, for comparing structure across variants. */
export function outline(sections: SectionJson[], depth = 0): string[] {
  return sections.flatMap((s) => [`${"  ".repeat(depth)}${s.number} ${s.kind}`, ...outline(s.children, depth + 1)]);
}

/** Half-width and full-width punctuation compared alike. */
export function canonicalPunctuation(text: string): string {
  return text
    .replace(/\(/g, "（")
    .replace(/\)/g, "）")
    .replace(/,/g, "，")
    .replace(/:/g, "：")
    .replace(/;/g, "；")
    .replace(/(?<!\d)\.(?!\d)/g, "。")
    .replace(/["“”]/g, '"');
}

export function metricKeys(json: SummaryJson | ParsedSummary): string[] {
  return json.metrics.map((m) => `${m.value}|${m.unit}|${m.kind}`);
}
