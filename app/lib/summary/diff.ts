// Comparing two versions of a summary: per section, paragraph by paragraph, and within a
// changed paragraph character by character, so a reader sees exactly which words changed.
import { bodyLines, numberedHeading } from "~/lib/summary/text";
import { SECTION_LABELS, type SectionKey, type SummaryDocument } from "~/lib/summary/types";

export type Piece = { kind: "same" | "added" | "removed"; text: string };

export type LineChange =
  | { kind: "same"; text: string }
  | { kind: "added"; text: string }
  | { kind: "removed"; text: string }
  /** A paragraph edited in place: its pieces mark removed and added characters. */
  | { kind: "changed"; pieces: Piece[] };

export interface SectionDiff {
  key: SectionKey;
  label: string;
  changed: boolean;
  lines: LineChange[];
}

/** Longest common subsequence as a list of same/added/removed runs. */
export function diffSequence<T>(a: readonly T[], b: readonly T[]): { kind: Piece["kind"]; items: T[] }[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: { kind: Piece["kind"]; items: T[] }[] = [];
  const push = (kind: Piece["kind"], item: T) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.items.push(item);
    else out.push({ kind, items: [item] });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push("same", a[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("removed", a[i++]);
    else push("added", b[j++]);
  }
  while (i < n) push("removed", a[i++]);
  while (j < m) push("added", b[j++]);
  return out;
}

/** Character pieces of one edited paragraph; very long pairs fall back to whole lines. */
export function diffChars(before: string, after: string): Piece[] {
  const a = [...before];
  const b = [...after];
  if (a.length * b.length > 400_000)
    return [
      { kind: "removed", text: before },
      { kind: "added", text: after },
    ];
  return diffSequence(a, b).map((run) => ({ kind: run.kind, text: run.items.join("") }));
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const wordChars = (text: string) => [...text].filter((c) => WORD_CHAR.test(c)).length;

/**
 * How much of two paragraphs is shared (0–1), counting letters and digits only (punctuation
 * and numbering alone do not make "3.丙。" an edit of "4.丁。"): an edit, or a replacement.
 */
function similarity(a: string, b: string): number {
  const same = diffChars(a, b)
    .filter((p) => p.kind === "same")
    .reduce((sum, p) => sum + wordChars(p.text), 0);
  return (2 * same) / Math.max(1, wordChars(a) + wordChars(b));
}

export function diffLines(before: string[], after: string[]): LineChange[] {
  const runs = diffSequence(before, after);
  const out: LineChange[] = [];
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const next = runs[r + 1];
    if (run.kind === "removed" && next?.kind === "added") {
      // Pair removed and added paragraphs one to one; similar pairs show as in-place edits.
      const count = Math.max(run.items.length, next.items.length);
      for (let k = 0; k < count; k++) {
        const a = run.items[k];
        const b = next.items[k];
        if (a !== undefined && b !== undefined && similarity(a, b) >= 0.5) out.push({ kind: "changed", pieces: diffChars(a, b) });
        else {
          if (a !== undefined) out.push({ kind: "removed", text: a });
          if (b !== undefined) out.push({ kind: "added", text: b });
        }
      }
      r++;
      continue;
    }
    for (const text of run.items) out.push({ kind: run.kind, text });
  }
  return out;
}

function sectionLines(document: SummaryDocument, key: SectionKey): string[] {
  const section = document.sections.find((s) => s.key === key);
  if (!section) return [];
  const heading = numberedHeading(section);
  return [...(heading ? [heading] : []), ...bodyLines(section.body)];
}

export function diffDocuments(before: SummaryDocument, after: SummaryDocument): SectionDiff[] {
  const keys = [...new Set([...before.sections.map((s) => s.key), ...after.sections.map((s) => s.key)])];
  return keys.map((key) => {
    const lines = diffLines(sectionLines(before, key), sectionLines(after, key));
    return { key, label: SECTION_LABELS[key], changed: lines.some((l) => l.kind !== "same"), lines };
  });
}
