// The 延期申请 forms: zod schemas (kept out of the browser bundle).
import { z } from "zod";
import { parseRowId } from "~/lib/row-id";

export const ExtensionApplySchema = z.object({
  dueDate: z.string({ error: "请选择申请的完成时限。" }).max(20, "申请的完成时限无效。"),
  reason: z.string({ error: "请写明申请延期的理由。" }).max(2000, "理由不能超过500个字。"),
});

export const ExtensionDecideSchema = z.object({
  extensionId: z.string({ error: "延期申请编号无效，请刷新页面后重试。" }).transform((v, ctx) => {
    const id = parseRowId(v);
    if (id === null) {
      ctx.addIssue({ code: "custom", message: "延期申请编号无效，请刷新页面后重试。" });
      return z.NEVER;
    }
    return id;
  }),
  note: z
    .string()
    .max(2000, "说明不能超过500个字。")
    .optional()
    .transform((v) => v ?? ""),
});
