// A 填报 kept in this browser while it is not yet saved (no network, a refused submit): which
// fields it holds, how it is read from and written back into the form, and when it is spent.

/** The text fields a draft keeps besides the metric values (named metric_<id>). */
export const DRAFT_FIELDS = ["body", "progress", "nextSteps", "blockers"] as const;

export interface UpdateDraft {
  savedAt: string;
  /** The version of the stored 填报 the form was drawn from, so a later save can merge. */
  version?: string;
  fields: Record<string, string>;
}

export const draftKeyOf = (taskId: number, unitId: number, week: string) => `update-draft:${taskId}:${unitId}:${week}`;

/** Whether a draft's text fields are what the stored 填报 already says (then it was sent). */
export function draftIsStored(
  fields: Record<string, string>,
  stored: { body: string; progress: number | null; nextSteps: string | null; blockers: string | null },
): boolean {
  const storedText = { body: stored.body, progress: stored.progress, nextSteps: stored.nextSteps, blockers: stored.blockers };
  return DRAFT_FIELDS.every((name) => (fields[name] ?? "").trim() === String(storedText[name] ?? "").trim());
}

/** The draft's fields as the form holds them now. */
export function draftFieldsOf(form: HTMLFormElement, metricIds: readonly number[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of [...DRAFT_FIELDS, ...metricIds.map((id) => `metric_${id}`)]) {
    fields[name] = (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";
  }
  return fields;
}

/**
 * Writes values into the form's visible fields. Fields keep what the user typed (defaultValue
 * does not redraw them), so text handed back by the server or a draft must be written in.
 */
export function fillFormFields(form: HTMLFormElement, values: Record<string, string>): void {
  for (const [name, text] of Object.entries(values)) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = text === "yes";
    else if (input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement) input.value = text;
    else if (input instanceof HTMLInputElement && input.type !== "hidden" && input.type !== "file") input.value = text;
  }
}
