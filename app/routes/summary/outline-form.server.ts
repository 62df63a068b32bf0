// The 明年工作思路 form: rows r0…rN, each with its fields; targets r{i}.t{j}. Only the ticked rows
// are kept. What the browser cannot be trusted with (a target's measure, unit, baseline and
// direction) is read again from this year's metric; the browser sends only the phrase and the target.
import { z } from "zod";
import { categoryOwner, type OutlineItem, type OutlineRow, type OutlineSource, type OwnerField } from "~/lib/summary/outline";

/** Rows one 明年工作思路 form may carry: a plan of 1,000 tasks plus its problems and blank rows. */
export const MAX_OUTLINE_ROWS = 1200;
/** Fields of the largest outline form a page can hold (its rows, each with targets). */
export const MAX_OUTLINE_FIELDS = 30000;

export interface OutlineFormContext {
  source: OutlineSource;
  /** Users who can be 责任领导 (leaders and admins). */
  leaderIds: Set<number>;
  /** Active units. */
  unitIds: Set<number>;
}

export type OutlineFormResult =
  | { ok: true; items: OutlineItem[]; expectedVersion: number }
  | { ok: false; message: string; errors: Record<string, string>; rows: OutlineRow[] };

const idOrNull = (v: FormDataEntryValue | null) => {
  const n = Number(v);
  return v !== null && v !== "" && Number.isInteger(n) && n > 0 ? n : null;
};

const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export function parseOutlineForm(formData: FormData, ctx: OutlineFormContext): OutlineFormResult {
  const next = ctx.source.year + 1;
  const declaredRows = Number(formData.get("rows")) || 0;
  // More rows than a page can draw is a forged or corrupted form: refuse it whole rather than keep
  // only the first rows, which would silently drop the rest of the leader's choices.
  const rowCount = Math.min(declaredRows, MAX_OUTLINE_ROWS);
  const expectedVersion = Number(formData.get("expectedVersion"));
  const errors: Record<string, string> = {};
  const rows: OutlineRow[] = [];
  const tasks = new Map(ctx.source.tasks.map((t) => [t.id, t]));
  const metrics = new Map(ctx.source.metrics.map((m) => [m.id, m]));
  for (let i = 0; i < rowCount; i++) {
    const f = (name: string) => formData.get(`r${i}.${name}`);
    const str = (name: string) => String(f(name) ?? "").trim();
    const kindValue = str("kind");
    const kind = kindValue === "continue" || kindValue === "problem" ? kindValue : "new";
    const fromTaskId = idOrNull(f("fromTaskId"));
    const targets: OutlineRow["targets"] = [];
    for (let j = 0; j < 20; j++) {
      const metricId = idOrNull(formData.get(`r${i}.t${j}.metricId`));
      if (metricId === null) break;
      const metric = metrics.get(metricId);
      if (!metric) {
        errors[`r${i}.t${j}`] = "指标无效，请刷新页面后重试。";
        continue;
      }
      const raw = String(formData.get(`r${i}.t${j}.target`) ?? "").trim();
      const target = raw === "" ? null : Number(raw);
      if (target !== null && !(Number.isFinite(target) && target >= 0 && target < 1e12))
        errors[`r${i}.t${j}.target`] = `“${metric.name}”的目标值应为数字。`;
      const phrase =
        String(formData.get(`r${i}.t${j}.phrase`) ?? "")
          .trim()
          .slice(0, 40) ||
        metric.phrase ||
        metric.name;
      targets.push({
        metricId,
        name: metric.name,
        unit: metric.unit,
        phrase,
        target: target !== null && Number.isFinite(target) ? target : null,
        baseline: metric.actual,
        direction: metric.direction,
        aggregation: metric.aggregation,
      });
    }
    const row: OutlineRow = {
      // A blank row for a new priority counts once it has a title; other rows by their tick.
      include: f("include") === "1" || (f("blank") === "1" && str("title") !== ""),
      category: str("category").slice(0, 20),
      kind,
      fromTaskId: fromTaskId !== null && tasks.has(fromTaskId) ? fromTaskId : null,
      title: str("title"),
      leadUserId: idOrNull(f("leadUserId")),
      leadUnitId: idOrNull(f("leadUnitId")),
      supportUnitIds: formData
        .getAll(`r${i}.supportUnitIds`)
        .map(idOrNull)
        .filter((n): n is number => n !== null && ctx.unitIds.has(n)),
      dueDate: str("dueDate"),
      targets,
    };
    // An owner the page suggested (hidden r{i}.suggested.<field>) stays marked 建议 while it is unchanged.
    const usual = categoryOwner(ctx.source, row.category);
    for (const field of ["leadUserId", "leadUnitId"] as const) {
      const suggestion = usual[field];
      if (suggestion && idOrNull(f(`suggested.${field}`)) === row[field] && row[field] === suggestion.id) {
        row.suggested = { ...row.suggested, [field]: suggestion };
      }
    }
    rows.push(row);
    if (!row.include) continue;
    if (fromTaskId !== null && !tasks.has(fromTaskId)) errors[`r${i}.title`] = "所继续的任务不属于本年度，请刷新页面后重试。";
    if (kind !== "new" && row.fromTaskId === null) errors[`r${i}.title`] = "所继续的任务无效，请刷新页面后重试。";
    if (!row.title) errors[`r${i}.title`] = "请填写工作内容。";
    else if (row.title.length > 200) errors[`r${i}.title`] = "工作内容不能超过200个字。";
    if (!row.category) errors[`r${i}.title`] = "类别无效，请刷新页面后重试。";
    const ownerError = (field: OwnerField, label: string) =>
      usual[field] ? `请选择${label}。` : `今年没有可参照的${label}（本类别和全年的任务都未指定），请为这一项选择${label}。`;
    if (row.leadUserId === null || !ctx.leaderIds.has(row.leadUserId)) errors[`r${i}.leadUserId`] = ownerError("leadUserId", "责任领导");
    if (row.leadUnitId === null || !ctx.unitIds.has(row.leadUnitId)) errors[`r${i}.leadUnitId`] = ownerError("leadUnitId", "牵头单位");
    if (!dateKey.safeParse(row.dueDate).success || !row.dueDate.startsWith(`${next}-`) || Number.isNaN(Date.parse(row.dueDate))) {
      errors[`r${i}.dueDate`] = `完成时限应在${next}年内。`;
    }
  }
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) errors.form = "版本号无效，请刷新页面后重试。";
  if (declaredRows > MAX_OUTLINE_ROWS) {
    errors.form = `一次最多保存${MAX_OUTLINE_ROWS}行，本次提交了${declaredRows}行，未保存。请刷新页面后重试。`;
  }
  const items = rows.filter((r) => r.include).map(({ include: _include, suggested: _suggested, ...item }) => item);
  if (Object.keys(errors).length) {
    return { ok: false, message: errors.form ?? "有几项需要补充，请按提示修改后再保存。", errors, rows };
  }
  if (!items.length) return { ok: false, message: "请至少勾选一项明年的重点工作。", errors: {}, rows };
  return { ok: true, items, expectedVersion };
}
