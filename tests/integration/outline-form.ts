// The 明年工作思路 form as the page posts it, for the integration tests of the outline.
import type { OutlineRow } from "../../app/lib/summary/outline";

/** The outline form exactly as the page posts it unchanged (ticked rows, hidden 建议 marks). */
export function outlineFormAsPosted(rows: OutlineRow[], version: number): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = { year: "2025", expectedVersion: String(version), rows: String(rows.length) };
  rows.forEach((row, i) => {
    const p = `r${i}.`;
    if (row.include) form[`${p}include`] = "1";
    // Blank rows for new priorities carry no tick box: a title is enough (as the page renders them).
    if (!row.include && row.kind === "new" && row.fromTaskId === null && row.targets.length === 0) form[`${p}blank`] = "1";
    form[`${p}category`] = row.category;
    form[`${p}kind`] = row.kind;
    form[`${p}fromTaskId`] = row.fromTaskId === null ? "" : String(row.fromTaskId);
    form[`${p}title`] = row.title;
    form[`${p}leadUserId`] = row.leadUserId === null ? "" : String(row.leadUserId);
    form[`${p}leadUnitId`] = row.leadUnitId === null ? "" : String(row.leadUnitId);
    form[`${p}supportUnitIds`] = row.supportUnitIds.map(String);
    form[`${p}dueDate`] = row.dueDate;
    for (const [field, suggestion] of Object.entries(row.suggested ?? {})) form[`${p}suggested.${field}`] = String(suggestion.id);
    row.targets.forEach((t, j) => {
      form[`${p}t${j}.metricId`] = String(t.metricId);
      form[`${p}t${j}.phrase`] = t.phrase;
      form[`${p}t${j}.target`] = t.target === null ? "" : String(t.target);
    });
  });
  return form;
}
