import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { summaryJsonSchema } from "~/lib/importer";
import { SEED_PATH } from "./helpers";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const cli = path.join(root, "app/cli/import-summary.ts");

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cli, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.concurrent("import-summary CLI", () => {
  it("prints exactly one JSON object of the documented shape with --json", async () => {
    const { code, stdout, stderr } = await runCli(["--json", SEED_PATH]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const json = summaryJsonSchema.parse(JSON.parse(stdout));
    expect(json.sections).toHaveLength(4);
    expect(json.plan).toHaveLength(7);
  }, 20000);

  it("prints a short outline without --json", async () => {
    const { code, stdout } = await runCli([SEED_PATH]);
    expect(code).toBe(0);
    expect(stdout).toContain("单位：平东街道办事处");
    expect(stdout).toContain("四 2025年重点工作安排");
  }, 20000);

  it("writes the Chinese message to stderr and exits non-zero on a refused file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "import-summary-"));
    const file = path.join(dir, "总结.pdf");
    writeFileSync(file, "%PDF-1.4\n");
    const { code, stdout, stderr } = await runCli(["--json", file]);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/暂不支持 PDF/);
  }, 20000);
});
