// 佐证材料: files kept beside the database (never under public/), named by a random key, and
// handed out only through the download route after its permission check.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { databasePathFromEnv } from "../../db/index";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES, formatBytes, sniffAttachmentType, type AttachmentType } from "~/lib/updates";
import type { AppDatabase } from "../../db/index";

/** ATTACHMENTS_DIR, else "attachments" beside the SQLite file (several app servers: a shared folder). */
export function attachmentsDir(): string {
  const configured = process.env.ATTACHMENTS_DIR?.trim();
  return configured ? resolve(configured) : join(dirname(databasePathFromEnv()), "attachments");
}

export interface CheckedFile {
  fileName: string;
  contentType: AttachmentType;
  bytes: Uint8Array;
  sha256: string;
}

/** Non-empty file parts of a form field (a browser sends one empty part when nothing was chosen). */
export function filesOf(formData: FormData, field: string): File[] {
  return formData.getAll(field).filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && (v as File).size > 0);
}

/** A safe display name: no path, no control characters, at most 100 characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "")
    .trim()
    .slice(-100);
  return cleaned || "佐证材料";
}

/** Checks size and the real type (magic bytes) of each file; returns Chinese errors instead of throwing. */
export async function checkFiles(files: File[]): Promise<{ ok: true; files: CheckedFile[] } | { ok: false; message: string }> {
  // How many the 填报 then holds is counted where it is saved, with the files it already has.
  if (files.length > ATTACHMENT_MAX_FILES) {
    return { ok: false, message: `一次最多上传${ATTACHMENT_MAX_FILES}个佐证材料（您选了${files.length}个），请减少后重新上传。` };
  }
  const checked: CheckedFile[] = [];
  for (const file of files) {
    const name = cleanName(file.name);
    if (file.size > ATTACHMENT_MAX_BYTES) {
      return {
        ok: false,
        message: `“${name}”有${formatBytes(file.size)}，超过${formatBytes(ATTACHMENT_MAX_BYTES)}的上限。请压缩后再上传。`,
      };
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const contentType = sniffAttachmentType(bytes.subarray(0, 16));
    if (!contentType) {
      return { ok: false, message: `“${name}”不是图片（JPG、PNG、GIF、WebP）或PDF文件，无法作为佐证材料上传。` };
    }
    checked.push({ fileName: name, contentType, bytes, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return { ok: true, files: checked };
}

/** Writes the files under fresh random keys; the caller records them in its transaction. */
export async function storeFiles(files: CheckedFile[]): Promise<(CheckedFile & { storageKey: string })[]> {
  // Most 填报 carry no file: no synchronous mkdir on the event loop for them.
  if (files.length === 0) return [];
  const dir = attachmentsDir();
  mkdirSync(dir, { recursive: true });
  const stored: (CheckedFile & { storageKey: string })[] = [];
  try {
    for (const file of files) {
      const storageKey = randomBytes(18).toString("base64url");
      await writeFile(join(dir, storageKey), file.bytes, { flag: "wx" });
      stored.push({ ...file, storageKey });
    }
  } catch (error) {
    await removeStoredFiles(stored.map((f) => f.storageKey));
    throw error;
  }
  return stored;
}

export async function removeStoredFiles(keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const dir = attachmentsDir();
  await Promise.all(keys.map((key) => rm(join(dir, key), { force: true })));
}

export interface AttachmentDownload {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export async function readAttachment(db: AppDatabase, attachmentId: number): Promise<AttachmentDownload | null> {
  const row = await db
    .selectFrom("attachments")
    .select(["file_name", "content_type", "storage_key"])
    .where("id", "=", attachmentId)
    .executeTakeFirst();
  if (!row || !/^[A-Za-z0-9_-]+$/.test(row.storage_key)) return null;
  try {
    return { fileName: row.file_name, contentType: row.content_type, body: await readFile(join(attachmentsDir(), row.storage_key)) };
  } catch {
    return null;
  }
}
