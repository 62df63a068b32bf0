// The plan document (年度计划导出文件): its schema and parser, shared by export, import and the CLI.
// Server-only (.server): zod in a browser chunk breaks the CSP (eval), see STACK-NOTES.
import { z } from "zod";
import { zhCN } from "zod/locales";

export const PLAN_DOCUMENT_FORMAT = "niandu-kanban-plan";
export const PLAN_DOCUMENT_VERSION = 1;
/** An upload larger than this is refused before it is read (the demo plan is about 0.3 MB). */
export const PLAN_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024;

// ---------------------------------------------------------------- schema

const int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ref = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const str = (max: number) => z.string().max(max);
const iso = z.string().min(10).max(40);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "日期须为 YYYY-MM-DD 格式")
  .nullable();
const week = z.string().regex(/^\d{4}-W\d{2}$/, "周须为 2025-W12 格式");
const flag = z.union([z.literal(0), z.literal(1)]);
const num = z.number().refine(Number.isFinite, "须为有限数值");

const UnitRow = z.object({ id: ref, name: str(40).min(1), kind: z.enum(["community", "office"]), sort_order: int, active: flag }).strict();
const UserRow = z
  .object({
    id: ref,
    username: z.string().min(1).max(40),
    display_name: str(40).min(1),
    role: z.enum(["admin", "leader", "secretary", "viewer"]),
    unit_id: ref.nullable(),
    disabled: flag,
  })
  .strict();
const SourceDocumentRow = z
  .object({
    id: ref,
    file_name: str(300),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "须为 64 位十六进制摘要"),
    original_text: str(10_000_000),
    parsed_json: str(10_000_000),
    imported_by: ref.nullable(),
    imported_at: iso,
  })
  .strict();
const TaskRow = z
  .object({
    id: ref,
    code: str(40).min(1),
    title: str(500).min(1),
    description: str(20_000),
    category: str(200),
    origin: z.enum(["key_work", "problem", "manual", "carried_over"]),
    origin_ref: str(200).nullable(),
    source_excerpt: str(20_000).nullable(),
    source_document_id: ref.nullable(),
    lead_user_id: ref.nullable(),
    status: z.enum(["not_started", "in_progress", "pending_review", "done"]),
    position: z.string().min(1).max(200),
    start_date: day,
    due_date: day,
    // 延期申请 (issue 21): the 完成时限 before the first approved extension; absent in older files.
    original_due_date: day.optional(),
    progress: int.max(100),
    done_at: iso.nullable(),
    created_by: ref.nullable(),
    created_at: iso,
    updated_at: iso,
    version: ref,
    units: z.array(z.object({ unit_id: ref, role: z.enum(["lead", "support"]) }).strict()).max(100),
  })
  .strict();
const MetricRow = z
  .object({
    id: ref,
    task_id: ref.nullable(),
    name: str(500).min(1),
    unit: str(40),
    baseline: num.nullable(),
    target: num.nullable(),
    direction: z.enum(["up", "down", "cap", "floor"]),
    aggregation: z.enum(["sum", "latest"]),
    category: str(200),
    source_ref: str(200).nullable(),
    source_sentence: str(20_000).nullable(),
    // Files written before these columns existed do not have them.
    baseline_period: str(40).nullable().optional(),
    phrase: str(200).nullable().optional(),
    sort_order: int,
    created_at: iso,
    updated_at: iso,
    version: ref,
  })
  .strict();
const UpdateRow = z
  .object({
    id: ref,
    task_id: ref,
    unit_id: ref,
    author_id: ref,
    week,
    body: str(20_000),
    progress: int.max(100),
    next_steps: str(20_000),
    blockers: str(20_000),
    needs_coordination: flag,
    is_demo: flag,
    created_at: iso,
    updated_at: iso,
    version: ref,
  })
  .strict();
const MetricValueRow = z
  .object({ metric_id: ref, unit_id: ref, week, value: num, update_id: ref.nullable(), reported_by: ref, reported_at: iso })
  .strict();
const CommentRow = z
  .object({
    id: ref,
    task_id: ref,
    author_id: ref,
    kind: z.enum(["comment", "urge", "verify", "reject"]),
    target_unit_id: ref.nullable(),
    body: str(20_000),
    created_at: iso,
    mention_unit_ids: z.array(ref).max(100),
  })
  .strict();
const AttachmentRow = z
  .object({
    update_id: ref,
    task_id: ref,
    file_name: str(300).min(1),
    content_type: str(100).min(1),
    size: int,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "须为 64 位十六进制摘要"),
    storage_key: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "只能含字母、数字、- 和 _"),
    uploaded_by: ref,
    created_at: iso,
  })
  .strict();
// 延期申请 and 督办通报 (issue 21); files written before them have neither section.
const ExtensionRow = z
  .object({
    task_id: ref,
    requested_by: ref.nullable(),
    unit_id: ref.nullable(),
    old_due_date: day,
    requested_due_date: day.unwrap(),
    reason: str(2_000).min(1),
    status: z.enum(["pending", "approved", "refused"]),
    decided_by: ref.nullable(),
    decision_note: str(2_000),
    decided_at: iso.nullable(),
    created_at: iso,
  })
  .strict();
const BriefingRow = z
  .object({
    number: ref,
    period_kind: z.enum(["week", "month"]),
    period_key: str(20).min(1),
    period_start: day.unwrap(),
    period_end: day.unwrap(),
    content: str(2_000_000),
    issued_by: ref.nullable(),
    issued_at: iso,
    updated_at: iso,
  })
  .strict();
const SummaryRow = z
  .object({ version: ref, status: z.enum(["draft", "final"]), content: str(10_000_000), author_id: ref.nullable(), created_at: iso })
  .strict();
const HistoryRow = z
  .object({
    actor_id: ref.nullable(),
    action: str(100).min(1),
    entity: z.enum(["plan", "task"]),
    entity_id: ref,
    before_json: str(1_000_000).nullable(),
    after_json: str(1_000_000).nullable(),
    created_at: iso,
  })
  .strict();

const PlanDocumentSchema = z
  .object({
    format: z.literal(PLAN_DOCUMENT_FORMAT),
    version: z.literal(PLAN_DOCUMENT_VERSION),
    exported_at: iso,
    plan: z
      .object({
        year: z.number().int().min(2000).max(2100),
        title: str(200).min(1),
        organization: str(40).min(1),
        status: z.enum(["active", "archived"]),
        light_thresholds: str(2000).nullable(),
        created_at: iso,
        updated_at: iso,
      })
      .strict(),
    units: z.array(UnitRow).max(10_000),
    users: z.array(UserRow).max(10_000),
    source_documents: z.array(SourceDocumentRow).max(100),
    tasks: z.array(TaskRow).max(100_000),
    metrics: z.array(MetricRow).max(100_000),
    updates: z.array(UpdateRow).max(2_000_000),
    metric_values: z.array(MetricValueRow).max(5_000_000),
    comments: z.array(CommentRow).max(1_000_000),
    attachments: z.array(AttachmentRow).max(1_000_000),
    summaries: z.array(SummaryRow).max(10_000),
    extensions: z.array(ExtensionRow).max(1_000_000).default([]),
    briefings: z.array(BriefingRow).max(10_000).default([]),
    history: z.array(HistoryRow).max(5_000_000),
  })
  .strict()
  .superRefine((doc, ctx) => checkReferences(doc, ctx));

export type PlanDocument = z.infer<typeof PlanDocumentSchema>;

const SECTION_LABELS: Record<string, string> = {
  format: "格式标识 format",
  version: "格式版本 version",
  exported_at: "导出时间 exported_at",
  plan: "年度计划 plan",
  units: "单位 units",
  users: "用户 users",
  source_documents: "原文 source_documents",
  tasks: "任务 tasks",
  metrics: "指标 metrics",
  updates: "填报 updates",
  metric_values: "指标数值 metric_values",
  comments: "评论 comments",
  attachments: "佐证材料 attachments",
  summaries: "总结 summaries",
  extensions: "延期申请 extensions",
  briefings: "督办通报 briefings",
  history: "操作记录 history",
};

function describePath(path: PropertyKey[]): string {
  if (path.length === 0) return "文件";
  const [section, ...rest] = path;
  let label = SECTION_LABELS[String(section)] ?? String(section);
  for (const part of rest) label += typeof part === "number" ? `第${part + 1}项` : `的 ${String(part)}`;
  return label;
}

type Ctx = z.RefinementCtx;

function checkReferences(doc: Omit<PlanDocument, never>, ctx: Ctx) {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const idsOf = (section: keyof PlanDocument, rows: { id: number }[]) => {
    const seen = new Set<number>();
    rows.forEach((row, i) => {
      if (seen.has(row.id)) issue([section, i, "id"], `编号 ${row.id} 重复`);
      seen.add(row.id);
    });
    return seen;
  };
  const units = idsOf("units", doc.units);
  const users = idsOf("users", doc.users);
  const sources = idsOf("source_documents", doc.source_documents);
  const tasks = idsOf("tasks", doc.tasks);
  const metrics = idsOf("metrics", doc.metrics);
  const updates = idsOf("updates", doc.updates);
  idsOf("comments", doc.comments);
  const need = (set: Set<number>, value: number | null, path: PropertyKey[], what: string) => {
    if (value !== null && !set.has(value)) issue(path, `引用了文件中不存在的${what}（编号 ${value}）`);
  };
  const unique = (section: keyof PlanDocument, keys: string[], what: string) => {
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      if (seen.has(key)) issue([section, i], `${what}重复`);
      seen.add(key);
    });
  };
  // Natural keys that must not repeat within a section: [section, each row's key, what the key is].
  const naturalKeys: [keyof PlanDocument, string[], string][] = [
    ["units", doc.units.map((u) => u.name), "单位名称"],
    ["users", doc.users.map((u) => u.username), "用户名"],
    ["tasks", doc.tasks.map((t) => t.code), "任务编号"],
    ["source_documents", doc.source_documents.map((s) => s.sha256), "原文摘要"],
    ["attachments", doc.attachments.map((a) => a.storage_key), "存储名"],
    ["summaries", doc.summaries.map((s) => String(s.version)), "总结版本"],
    ["briefings", doc.briefings.map((b) => String(b.number)), "通报期号"],
    ["briefings", doc.briefings.map((b) => `${b.period_kind}|${b.period_key}`), "同一期间的通报"],
  ];
  for (const [section, keys, what] of naturalKeys) unique(section, keys, what);
  // What each reference names: the ids the file holds of that kind, and the kind in words.
  const unit = { ids: units, what: "单位" };
  const user = { ids: users, what: "用户" };
  const source = { ids: sources, what: "原文" };
  const task = { ids: tasks, what: "任务" };
  const metric = { ids: metrics, what: "指标" };
  const update = { ids: updates, what: "填报" };
  /** Every row's reference fields must name a row of the file; `more` checks the rest of a row. */
  const refer = <T>(
    section: keyof PlanDocument,
    rows: T[],
    fields: Partial<Record<keyof T & string, { ids: Set<number>; what: string }>>,
    more?: (row: T, i: number) => void,
  ) => {
    const entries = Object.entries(fields) as [keyof T & string, { ids: Set<number>; what: string }][];
    rows.forEach((row, i) => {
      for (const [field, { ids, what }] of entries) need(ids, row[field] as number | null, [section, i, field], what);
      more?.(row, i);
    });
  };
  refer("users", doc.users, { unit_id: unit });
  refer("source_documents", doc.source_documents, { imported_by: user });
  refer("tasks", doc.tasks, { source_document_id: source, lead_user_id: user, created_by: user }, (t, i) => {
    t.units.forEach((u, j) => need(units, u.unit_id, ["tasks", i, "units", j, "unit_id"], "单位"));
    if (new Set(t.units.map((u) => u.unit_id)).size !== t.units.length) issue(["tasks", i, "units"], "同一单位出现了两次");
  });
  refer("metrics", doc.metrics, { task_id: task });
  refer("updates", doc.updates, { task_id: task, unit_id: unit, author_id: user });
  unique(
    "updates",
    doc.updates.map((u) => `${u.task_id}|${u.unit_id}|${u.week}`),
    "同一任务、单位和周的填报",
  );
  refer("metric_values", doc.metric_values, { metric_id: metric, unit_id: unit, update_id: update, reported_by: user });
  unique(
    "metric_values",
    doc.metric_values.map((v) => `${v.metric_id}|${v.unit_id}|${v.week}`),
    "同一指标、单位和周的数值",
  );
  refer("comments", doc.comments, { task_id: task, author_id: user, target_unit_id: unit }, (c, i) => {
    c.mention_unit_ids.forEach((id, j) => need(units, id, ["comments", i, "mention_unit_ids", j], "单位"));
    if (new Set(c.mention_unit_ids).size !== c.mention_unit_ids.length) issue(["comments", i, "mention_unit_ids"], "同一单位出现了两次");
  });
  refer("attachments", doc.attachments, { update_id: update, task_id: task, uploaded_by: user });
  refer("summaries", doc.summaries, { author_id: user });
  refer("extensions", doc.extensions, { task_id: task, requested_by: user, unit_id: unit, decided_by: user });
  refer("briefings", doc.briefings, { issued_by: user });
  refer("history", doc.history, { actor_id: user }, (h, i) => {
    if (h.entity === "task") need(tasks, h.entity_id, ["history", i, "entity_id"], "任务");
  });
}

export type ParsedPlanDocument = { ok: true; document: PlanDocument } | { ok: false; message: string };

/** Parses and checks an uploaded document; the message says in Chinese what is wrong and where. */
export function parsePlanDocument(text: string): ParsedPlanDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "文件不是有效的 JSON，请上传从“年度计划 → 导出”下载的 .json 文件。" };
  }
  if (typeof raw !== "object" || raw === null || (raw as { format?: unknown }).format !== PLAN_DOCUMENT_FORMAT) {
    return { ok: false, message: '这不是年度计划导出文件（缺少 format: "niandu-kanban-plan"），请上传从本系统导出的文件。' };
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== PLAN_DOCUMENT_VERSION) {
    return {
      ok: false,
      message: `不支持的导出文件版本 ${JSON.stringify(version) ?? "（缺失）"}，本系统只能导入版本 ${PLAN_DOCUMENT_VERSION}。`,
    };
  }
  const localeError = zhCN().localeError;
  const result = PlanDocumentSchema.safeParse(raw, { error: (iss) => localeError(iss) });
  if (result.success) return { ok: true, document: result.data };
  const issues = result.error.issues;
  const shown = issues.slice(0, 5).map((i) => `${describePath(i.path)}：${i.message}`);
  const more = issues.length > 5 ? `；另有 ${issues.length - 5} 处问题` : "";
  return { ok: false, message: `导出文件内容有误，未导入任何数据。${shown.join("；")}${more}。` };
}
