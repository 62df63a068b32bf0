// A summary document as lines with their 公文 level, and as plain text and Markdown.
// Client-safe and pure: the page preview, the .docx writer and the exports share it.
import { matchHeading } from "~/lib/importer/headings";
import { SECTION_NUMBERS, type SectionKey, type SummaryDocument, type SummarySection } from "~/lib/summary/types";

export type LineKind = "title" | "heading1" | "heading2" | "heading3" | "body" | "signature";

export interface DocumentLine {
  kind: LineKind;
  text: string;
  section: SectionKey;
}

export function sectionOf(document: SummaryDocument, key: SectionKey): SummarySection {
  return document.sections.find((s) => s.key === key) ?? { key, heading: "", body: "" };
}

/** "一、亮点工作" */
export function numberedHeading(section: SummarySection): string {
  const number = SECTION_NUMBERS[section.key];
  return number ? `${number}、${section.heading.trim()}` : section.heading.trim();
}

/** Non-empty lines of a body, trimmed (an editor's blank lines carry no meaning). */
export function bodyLines(body: string): string[] {
  return body
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A body line's level: "（一）…" is a second-level heading; a short "1.…" without a full stop
 * is a third-level heading ("1.环境整治工作"); numbered items with sentences stay body text.
 */
export function lineKind(line: string): LineKind {
  const heading = matchHeading(line);
  if (!heading) return "body";
  const rest = line.slice(heading.markerLength);
  if (heading.level === 2 && !/[。！？]/.test(rest.slice(0, -1)) && rest.length <= 40) return "heading2";
  if (heading.level === 3 && !/[。！？；]/.test(rest) && rest.length <= 30) return "heading3";
  return "body";
}

export function documentLines(document: SummaryDocument): DocumentLine[] {
  const lines: DocumentLine[] = [];
  for (const section of document.sections) {
    const body = bodyLines(section.body);
    if (section.key === "title") {
      lines.push({ kind: "title", text: body.join(""), section: section.key });
    } else if (section.key === "signature") {
      for (const text of body) lines.push({ kind: "signature", text, section: section.key });
    } else {
      if (SECTION_NUMBERS[section.key]) lines.push({ kind: "heading1", text: numberedHeading(section), section: section.key });
      for (const text of body) lines.push({ kind: lineKind(text), text, section: section.key });
    }
  }
  return lines;
}

const FULL_WIDTH_SPACE = "\u3000";
const LINE_CHARS = 28;

/** Plain text as offices type it: a blank line between paragraphs, the 落款 pushed right. */
export function toPlainText(document: SummaryDocument): string {
  let text = "";
  let previous: LineKind | null = null;
  for (const line of documentLines(document)) {
    const separator = previous === null ? "" : previous === "signature" && line.kind === "signature" ? "\n" : "\n\n";
    let content = line.text;
    if (line.kind === "signature") {
      const pad = Math.max(2, LINE_CHARS - 4 - [...line.text].length);
      content = FULL_WIDTH_SPACE.repeat(pad) + line.text;
    }
    text += separator + content;
    previous = line.kind;
  }
  return `${text}\n`;
}

/** Escapes what Markdown would otherwise read as syntax at the start of a line or inline. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>#|])/g, "\\$1")
    .replace(/^(\d+)\.(?=\s|$)/, "$1\\.")
    .replace(/^(\d+)\./, "$1\\.")
    .replace(/^([-+])(?=\s)/, "\\$1");
}

export function toMarkdown(document: SummaryDocument): string {
  const out: string[] = [];
  for (const line of documentLines(document)) {
    const text = escapeMarkdown(line.text);
    switch (line.kind) {
      case "title":
        out.push(`# ${text}`);
        break;
      case "heading1":
        out.push(`## ${text}`);
        break;
      case "heading2":
        out.push(`### ${text}`);
        break;
      case "heading3":
        out.push(`**${text}**`);
        break;
      case "signature":
        out.push(`<p align="right">${line.text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`);
        break;
      default:
        out.push(text);
    }
  }
  return `${out.join("\n\n")}\n`;
}
