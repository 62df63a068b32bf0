import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./session";

// axe-core from node_modules, injected by the test runner (page.evaluate), not as a <script> tag: the
// app's strict CSP would refuse that, and the audit must run with the real CSP in force.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

type Finding = { view: string; id: string; impact: string | null; nodes: string[] };

async function audit(page: Page, view: string): Promise<Finding[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")),
    }));
  }, TAGS);
  return violations.map((v: Omit<Finding, "view">) => ({ view, ...v }));
}

/** Pages a role reaches from its own navigation, plus the ones behind it (tabs, task detail and edit, a
 * metric's page, 投屏, password). */
async function pagesOf(page: Page): Promise<string[]> {
  const hrefsOf = (selector: string) =>
    page.locator(selector).evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  await page.goto("/");
  const found = await hrefsOf("header a[href^='/'], nav a[href^='/'], .tabs a[href^='/']");
  for (const section of ["/admin", "/kpi"]) {
    if (!found.includes(section)) continue;
    await page.goto(section);
    found.push(...(await hrefsOf(".tabs a[href^='/']")));
    // One of each page template behind the list (the pages of other metrics and users are the same).
    found.push(...(await hrefsOf("a[href^='/kpi/']:not([href*='.xlsx']), a[href^='/admin/users/']")).slice(0, 1));
  }
  found.push("/board/meeting", "/settings/password");
  await page.goto("/board");
  const taskLink = await page
    .locator("li.task-card a[href^='/board/']")
    .first()
    .getAttribute("href")
    .catch(() => null);
  if (taskLink) {
    const detail = new URL(taskLink, "http://x").pathname;
    found.push(detail);
    await page.goto(detail);
    if (await page.locator(`a[href^='${detail}/edit']`).count()) found.push(`${detail}/edit`);
  }
  return [...new Set(found)].filter((p) => !/logout|export|\.xlsx|\.docx|backups\/./.test(p));
}

for (const role of ["leader", "secretary", "viewer", "admin"]) {
  test(`axe: every page of ${role} at 1280 and 360 px, no sideways scroll at 360, 320 px and 400% zoom`, async ({ page }) => {
    test.setTimeout(420_000);
    await login(page, role);
    const pages = await pagesOf(page);
    const findings: Finding[] = [];
    const sideways: string[] = [];
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of pages) {
        await page.goto(path);
        findings.push(...(await audit(page, `${path} @${width}`)));
        if (width === 360) {
          // 320×200 is what a 1280×800 screen shows at 400% zoom (WCAG 1.4.10 reflow).
          for (const [narrow, height] of [
            [360, 800],
            [320, 800],
            [320, 200],
          ]) {
            await page.setViewportSize({ width: narrow, height });
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            if (overflow > 0) sideways.push(`${path} @${narrow}×${height}: ${overflow}px`);
          }
          await page.setViewportSize({ width: 360, height: 800 });
        }
      }
    }
    console.log(`${role}: ${pages.length} pages × 2 widths audited: ${pages.join(" ")}`);
    expect(findings, JSON.stringify(findings, null, 1)).toEqual([]);
    expect(sideways).toEqual([]);
  });
}
