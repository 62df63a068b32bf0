// Saving one section of the year-end summary: a version check per section, field merges of
// 标题 and 正文 with what others saved meanwhile, and autosaves coalesced into the author's draft.
import type { AppDatabase } from "../../../db/index";
import { SECTION_LABELS, type SectionKey } from "~/lib/summary/types";
import { recordAudit } from "~/models/audit.server";
import { conflict, notFound } from "~/lib/refusal";
import { mergeFields } from "~/lib/task-merge";
import { AUTOSAVE_COALESCE_MS, getLatestSummary, insertVersion, sectionAtRev, type StoredSummary } from "~/routes/summary/summary.server";

export interface SectionEdit {
  key: SectionKey;
  heading: string | null;
  body: string;
  /** The section's revision the editor started from. */
  baseRev: number;
}

export interface SectionConflict {
  key: SectionKey;
  rev: number;
  heading: string;
  body: string;
  authorName: string | null;
  savedAt: string;
}

export interface SaveResult {
  version: number;
  rev: number;
  savedAt: string;
  /** True when an earlier autosave of the same person's draft was updated in place. */
  coalesced: boolean;
  /** Fields of the section others changed meanwhile that this save kept (标题, 正文). */
  merged?: string[];
  /** The section as saved, so an open editor can take in what others changed. */
  section: { heading: string; body: string };
}

const SECTION_FIELDS = ["heading", "body"] as const;
const SECTION_FIELD_LABELS = { heading: "标题", body: "正文" } as const;

/**
 * Saves one section. Someone else's save of the same section since `baseRev` is a 409 with
 * their text in the detail; saves of other sections merge (each version holds them all).
 */
export async function saveSummarySection(
  db: AppDatabase,
  actor: { id: number },
  planId: number,
  edit: SectionEdit,
  now: Date = new Date(),
): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const latest = await getLatestSummary(trx, planId);
    if (!latest) notFound("该年度还没有总结草稿，请先生成。");
    const content = latest.content;
    const current = content.document.sections.find((s) => s.key === edit.key);
    if (!current) notFound("没有找到这一部分，请刷新后再试。");
    let heading = edit.heading ?? current.heading;
    let body = edit.body;
    let merged: string[] = [];
    if (content.revs[edit.key] !== edit.baseRev) {
      // Merged field by field (标题, 正文) with what others saved since baseRev; only a field both
      // changed is refused, and a save that changes nothing never is.
      const base = await sectionAtRev(trx, planId, edit.key, edit.baseRev);
      const theirs = { heading: current.heading, body: current.body };
      const mine = { heading: edit.heading ?? base?.heading ?? current.heading, body: edit.body };
      const merge = mergeFields(SECTION_FIELDS, base, theirs, mine);
      if (merge.conflicts.length > 0) {
        const detail: SectionConflict = {
          key: edit.key,
          rev: content.revs[edit.key],
          heading: current.heading,
          body: current.body,
          authorName: latest.authorName,
          savedAt: content.savedAt,
        };
        conflict(
          `已被他人修改：“${SECTION_LABELS[edit.key]}”刚被${latest.authorName ?? "其他人"}保存过。请对照下方的最新内容，合并后再保存。`,
          detail,
        );
      }
      heading = merge.mine.includes("heading") ? mine.heading : current.heading;
      body = merge.mine.includes("body") ? mine.body : current.body;
      merged = merge.theirs.map((field) => SECTION_FIELD_LABELS[field]);
    }
    const unchanged = heading === current.heading && body === current.body;
    if (unchanged)
      return {
        version: latest.version,
        rev: content.revs[edit.key],
        savedAt: content.savedAt,
        coalesced: false,
        merged,
        section: { heading, body },
      };

    const savedAt = now.toISOString();
    const next: StoredSummary = {
      ...content,
      document: {
        ...content.document,
        sections: content.document.sections.map((s) => (s.key === edit.key ? { ...s, heading, body } : s)),
      },
      revs: { ...content.revs, [edit.key]: content.revs[edit.key] + 1 },
      savedAt,
    };
    const note = `编辑：${SECTION_LABELS[edit.key]}`;
    const coalesce =
      latest.status === "draft" &&
      latest.authorId === actor.id &&
      content.note.startsWith("编辑") &&
      now.getTime() - new Date(content.savedAt).getTime() < AUTOSAVE_COALESCE_MS;
    let version = latest.version;
    if (coalesce) {
      const notes = new Set([...content.note.replace(/^编辑：/, "").split("、"), SECTION_LABELS[edit.key]]);
      next.note = `编辑：${[...notes].join("、")}`;
      await trx
        .updateTable("summaries")
        .set({ content: JSON.stringify(next) })
        .where("id", "=", latest.id)
        .execute();
    } else {
      next.note = note;
      version = latest.version + 1;
      await insertVersion(trx, planId, version, "draft", actor.id, next);
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: "summary.edit",
      entity: "summary",
      entityId: `${planId}:${version}`,
      // What the section became, merge included, not what this browser sent.
      before: { section: edit.key, heading: current.heading, body: current.body },
      after: { section: edit.key, heading, body },
    });
    return { version, rev: next.revs[edit.key], savedAt, coalesced: coalesce, merged, section: { heading, body } };
  });
}
