/**
 * Imports a 工作总结 file and prints what the importer read.
 *
 *   npx tsx app/cli/import-summary.ts --json FILE   → one JSON object on stdout
 *   npx tsx app/cli/import-summary.ts FILE          → a short outline for people
 *
 * Errors go to stderr in Chinese, with a non-zero exit code.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SECTION_KIND_LABELS } from "~/lib/labels";
import { ImportError, parseSummary, readSummaryFile, toSummaryJson, type SectionJson, type SummaryJson } from "~/lib/importer/index";

const USAGE = "用法：import-summary [--json] 文件路径（.txt 或 .docx）";

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const files = argv.filter((a) => !a.startsWith("--"));
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (files.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }

  const file = files[0];
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    process.stderr.write(`无法读取文件：${file}。请检查路径是否正确。\n`);
    return 1;
  }

  const text = await readSummaryFile(path.basename(file), bytes);
  const summary = toSummaryJson(parseSummary(text));
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : outline(summary));
  return 0;
}

function outline(s: SummaryJson): string {
  const out: string[] = [];
  out.push(`标题：${s.title ?? "（无）"}`);
  out.push(`单位：${s.unit ?? "（无）"}　年度：${s.year ?? "（无）"}　日期：${s.date ?? "（无）"}`);
  out.push("");
  out.push("结构：");
  const walk = (nodes: SectionJson[], depth: number) => {
    for (const n of nodes) {
      if (depth > 2) continue;
      out.push(`${"  ".repeat(depth + 1)}${n.number} ${truncate(n.heading, 30)}${depth === 0 ? `　[${SECTION_KIND_LABELS[n.kind]}]` : ""}`);
      walk(n.children, depth + 1);
    }
  };
  walk(s.sections, 0);
  out.push("");
  out.push(`存在问题（${s.problems.length}）：`);
  for (const p of s.problems) out.push(`  ${p.ref} ${truncate(p.text, 40)}`);
  out.push(`重点工作（${s.plan.length}）：`);
  for (const p of s.plan) out.push(`  ${p.ref} ${truncate(p.title, 40)}`);
  out.push(`指标（${s.metrics.length}）：`);
  for (const m of s.metrics.slice(0, 20)) {
    const approx = m.approximate ? `（${m.qualifier ?? "约"}）` : "";
    out.push(`  ${m.ref ?? "-"} ${m.name}：${m.value}${m.unit}${approx} ${m.kind}`);
  }
  if (s.metrics.length > 20) out.push(`  ……另有 ${s.metrics.length - 20} 项，用 --json 查看全部`);
  return `${out.join("\n")}\n`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ImportError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`导入失败：${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
