// Ids and years typed into the address bar are bad input like any other: a number no row can
// have (beyond PostgreSQL's 32-bit integers, say) is a 404 or 400, or falls back to the current
// plan, and never reaches the database as a query that fails there. On SQLite such a query just
// finds nothing, so these tests guard the PostgreSQL run (`npm test` with TEST_DATABASE_URL,
// as CI does), where the unbounded values used to fail with "out of range for type integer".
import { describe, expect, it } from "vitest";
import * as attachment from "../../app/routes/attachments.$attachmentId";
import * as taskDetail from "../../app/routes/board.$taskId";
import * as taskEdit from "../../app/routes/board.$taskId_.edit";
import * as meeting from "../../app/routes/board_.meeting";
import * as board from "../../app/routes/board/route";
import * as poll from "../../app/routes/board_.poll";
import * as importPage from "../../app/routes/import/route";
import * as kpi from "../../app/routes/kpi/route";
import * as reportsExport from "../../app/routes/reports.export";
import * as reports from "../../app/routes/reports";
import * as summaryExport from "../../app/routes/summary_.export.$format";
import * as nextYear from "../../app/routes/summary_.next-year";
import * as summary from "../../app/routes/summary/route";
import * as comments from "../../app/routes/tasks.$taskId.comments";
import * as update from "../../app/routes/tasks.$taskId.update/route";
import * as userEdit from "../../app/routes/admin.users_.$userId";
import type { LoaderFunction } from "@remix-run/node";
import { callLoader, cookieFor, makeRequest } from "./helpers";

interface Case {
  loader: LoaderFunction;
  path: string;
  params?: Record<string, string>;
}

const HUGE = "99999999999";

describe("ids and years in the address", () => {
  it("refuses ids no row can have with a 404", async () => {
    const cookie = await cookieFor("admin");
    const cases: Case[] = [
      { loader: taskDetail.loader, path: `/board/${HUGE}`, params: { taskId: HUGE } },
      { loader: taskEdit.loader, path: `/board/${HUGE}/edit`, params: { taskId: HUGE } },
      { loader: update.loader, path: `/tasks/${HUGE}/update`, params: { taskId: HUGE } },
      { loader: comments.loader, path: `/tasks/${HUGE}/comments`, params: { taskId: HUGE } },
      { loader: attachment.loader, path: `/attachments/${HUGE}`, params: { attachmentId: HUGE } },
      { loader: userEdit.loader, path: `/admin/users/${HUGE}`, params: { userId: HUGE } },
    ];
    for (const { loader, path, params } of cases) {
      const outcome = await callLoader(loader, makeRequest(path, { cookie }), { params });
      expect(outcome.status, path).toBe(404);
    }
  });

  it("treats impossible years and version ids as no choice, or refuses them, without an error", async () => {
    const cookie = await cookieFor("admin");
    const cases: (Case & { statuses: number[] })[] = [
      { loader: board.loader, path: `/board?year=${HUGE}&unit=${HUGE}&leader=${HUGE}`, statuses: [200] },
      { loader: meeting.loader, path: `/board/meeting?year=${HUGE}`, statuses: [200] },
      { loader: kpi.loader, path: `/kpi?year=${HUGE}&unit=${HUGE}&leader=${HUGE}`, statuses: [200] },
      { loader: reports.loader, path: `/reports?year=${HUGE}`, statuses: [200] },
      { loader: reportsExport.loader, path: `/reports/export?year=${HUGE}`, statuses: [200] },
      { loader: summary.loader, path: `/summary?year=${HUGE}&from=${HUGE}&to=1`, statuses: [200] },
      { loader: nextYear.loader, path: `/summary/next-year?year=${HUGE}`, statuses: [200] },
      { loader: summaryExport.loader, path: `/summary/export/txt?year=${HUGE}`, params: { format: "txt" }, statuses: [400] },
      { loader: summaryExport.loader, path: `/summary/export/txt?version=${HUGE}`, params: { format: "txt" }, statuses: [400] },
      { loader: poll.loader, path: `/board/poll?plan=${HUGE}`, statuses: [400] },
      { loader: importPage.loader, path: `/import?imported=${HUGE}`, statuses: [200] },
    ];
    for (const { loader, path, params, statuses } of cases) {
      const outcome = await callLoader(loader, makeRequest(path, { cookie }), { params });
      expect(statuses, `${path} answered ${outcome.status}`).toContain(outcome.status);
    }
  });
});
