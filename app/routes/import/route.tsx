import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { alreadyImportedMessage, commitImportToYear, findImportedDocument } from "~/routes/import/commit.server";
import { findPlanByYear, listPlans } from "~/models/plans.server";
import { listUnits } from "~/models/units.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { ImportError, MAX_IMPORT_BYTES } from "~/lib/importer/errors";
import { analyzeSummaryOffThread } from "~/utils/import-analysis.server";
import { parseRowId } from "~/lib/row-id";
import {
  buildPreview,
  decodeText,
  isExpectedInputError,
  readCommitChoice,
  readSelection,
  readSubmittedText,
  type ImportPreview,
  type ImportSelection,
} from "~/routes/import/preview.server";
import { ImportedTasks, PreviewForm, UploadForm } from "~/routes/import/preview-form";

// The commit form has three fields per task and one per metric of the preview.
const IMPORT_FORM_MAX_FIELDS = 5000;

export const meta: MetaFunction = () => [{ title: "导入工作总结 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "summary.manage");
  const db = getDb();
  const [plans, units] = await Promise.all([listPlans(db), listUnits(db)]);
  const importedId = parseRowId(new URL(args.request.url).searchParams.get("imported"));
  let imported = null;
  if (importedId != null) {
    const tasks = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.id", "tasks.code", "tasks.title", "tasks.origin", "tasks.origin_ref", "plans.year"])
      .where("tasks.source_document_id", "=", importedId)
      .orderBy("tasks.code")
      .execute();
    const metricCount = await db
      .selectFrom("audit_log")
      .select("after_json")
      .where("action", "=", "import.commit")
      .where("entity_id", "=", String(importedId))
      .executeTakeFirst();
    imported = { tasks, metrics: metricCount?.after_json ? (JSON.parse(metricCount.after_json).metrics as number) : 0 };
  }
  return {
    plans: plans.map((p) => ({ year: p.year, status: p.status, title: p.title })),
    units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind })),
    imported,
  };
}

type ActionResult =
  | { stage: "upload"; error: string; pasted: string }
  | { stage: "preview"; preview: ImportPreview; selection: ImportSelection | null; errors: Record<string, string> };

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "summary.manage");
  const db = getDb();
  // Refuse an oversize upload before reading it into memory (a bit of room for the form).
  const declared = Number(args.request.headers.get("Content-Length") ?? 0);
  if (declared > MAX_IMPORT_BYTES + 64 * 1024) {
    return data<ActionResult>(
      { stage: "upload", error: "文件超过 5 MB，无法导入。工作总结一般只有几十 KB，请确认选择的是总结正文（.txt 或 .docx）。", pasted: "" },
      { status: 413 },
    );
  }
  const formData = await readForm(args.request, { maxFields: IMPORT_FORM_MAX_FIELDS });
  const intent = readIntent(formData, ["preview", "commit"] as const);
  const units = (await listUnits(db)).map((u) => ({ id: u.id, name: u.name, kind: u.kind }));
  const fallbackYear = new Date().getFullYear();

  if (intent === "preview") {
    let submitted: { fileName: string; text: string };
    try {
      submitted = await readSubmittedText(formData);
    } catch (error) {
      if (!isExpectedInputError(error)) throw error;
      const pasted = formData.get("text");
      return data<ActionResult>(
        { stage: "upload", error: error.message, pasted: typeof pasted === "string" ? pasted : "" },
        { status: 400 },
      );
    }
    const pastedText = formData.get("text");
    const analysis = await analyzeOrRefuse(submitted.text, typeof pastedText === "string" ? pastedText : "");
    if (!("draft" in analysis)) return analysis;
    const duplicate = await findImportedDocument(db, submitted.text);
    const { preview } = buildPreview(
      submitted.fileName,
      submitted.text,
      analysis,
      units,
      fallbackYear,
      duplicate ? alreadyImportedMessage(duplicate) : null,
    );
    return data<ActionResult>({ stage: "preview", preview, selection: null, errors: {} });
  }

  const encodedText = formData.get("encodedText");
  const originalText = typeof encodedText === "string" ? decodeText(encodedText) : null;
  const fileName = formData.get("fileName");
  if (!originalText?.trim() || typeof fileName !== "string") {
    return data<ActionResult>({ stage: "upload", error: "预览已失效，请重新上传文件。", pasted: "" }, { status: 400 });
  }
  const analysis = await analyzeOrRefuse(originalText, originalText);
  if (!("draft" in analysis)) return analysis;
  const duplicate = await findImportedDocument(db, originalText);
  const { preview, draft, parsedJson } = buildPreview(
    fileName.slice(0, 200),
    originalText,
    analysis,
    units,
    fallbackYear,
    duplicate ? alreadyImportedMessage(duplicate) : null,
  );
  const selection = readSelection(formData, preview);
  if (duplicate) {
    return data<ActionResult>({ stage: "preview", preview, selection, errors: { _form: preview.duplicateMessage! } }, { status: 409 });
  }
  const choice = readCommitChoice(formData, preview, draft, units, parsedJson);
  if (!choice.ok) return data<ActionResult>({ stage: "preview", preview, selection, errors: choice.errors }, { status: 400 });
  const existing = await findPlanByYear(db, choice.planYear);
  if (existing?.status === "archived") {
    return data<ActionResult>(
      {
        stage: "preview",
        preview,
        selection,
        errors: { planYear: `${choice.planYear}年度计划已归档，不能导入。请选择其他年度，或请管理员恢复该计划。` },
      },
      { status: 400 },
    );
  }
  const result = await commitImportToYear(db, user.id, {
    year: choice.planYear,
    organization: preview.organization ?? "本单位",
    build: choice.build,
  });
  return redirect(`/import?imported=${result.sourceDocumentId}`);
}

/** The analysis, or the upload form again with the refusal and the text kept (busy, too slow). */
async function analyzeOrRefuse(text: string, pasted: string) {
  try {
    return await analyzeSummaryOffThread(text);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    const status = error.code === "analysis_busy" ? 503 : 400;
    return data<ActionResult>(
      { stage: "upload", error: error.message, pasted },
      { status, headers: status === 503 ? { "Retry-After": "30" } : undefined },
    );
  }
}

export default function ImportPage() {
  const { plans, units, imported } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <section className="page import-page">
      <h1>导入工作总结</h1>
      {imported ? <ImportedTasks imported={imported} /> : null}
      {actionData?.stage === "preview" ? (
        <PreviewForm
          preview={actionData.preview}
          selection={actionData.selection}
          errors={actionData.errors}
          plans={plans}
          units={units}
          pending={pendingIntent === "commit"}
        />
      ) : (
        <UploadForm
          error={actionData?.stage === "upload" ? actionData.error : null}
          pasted={actionData?.stage === "upload" ? actionData.pasted : ""}
          pending={pendingIntent === "preview"}
        />
      )}
      <p className="muted small">
        导入的原文会原样保存；每个任务和指标都记录它在原文中的位置。同一份文件不会被重复导入。
        <Link to="/board"> 返回看板</Link>
      </p>
    </section>
  );
}
