// Runs the import analysis (parse + plan draft) on a worker thread with a time and memory limit,
// so a large or hostile pasted text never holds up other requests: about 1.5 s of CPU per
// megabyte of text would otherwise block the event loop. One analysis at a time (imports are
// rare and a worker takes a core), a few waiting, and a Chinese refusal beyond that.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SummaryAnalysis } from "~/lib/import-analysis";
import { importError } from "~/lib/importer/errors";

export const ANALYSIS_TIME_LIMIT_MS = 15_000;
const MAX_WAITING_ANALYSES = 4;
let running: Promise<unknown> = Promise.resolve();
let waiting = 0;

// From source (tests, tsx) the TypeScript entry is loaded through tsx's API: Node 20 does not
// pass `--import tsx` on to worker threads.
const SOURCE_SHIM = `
const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then(({ tsImport }) => tsImport(workerData.entry, workerData.entry));
`;

/** The compiled worker beside the server build, else the TypeScript source through tsx. */
function workerEntry(): { script: URL | string; eval: boolean; entry?: string } {
  const compiled = new URL("./import-analysis-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return { script: compiled, eval: false };
  return { script: SOURCE_SHIM, eval: true, entry: new URL("../server/import-analysis-worker.ts", import.meta.url).href };
}

export async function analyzeSummaryOffThread(text: string): Promise<SummaryAnalysis> {
  if (waiting >= MAX_WAITING_ANALYSES) throw importError("analysis_busy");
  waiting++;
  const turn = running.then(() => {
    waiting--;
    return analyzeInWorker(text);
  });
  running = turn.catch(() => undefined);
  return turn;
}

function analyzeInWorker(text: string): Promise<SummaryAnalysis> {
  const entry = workerEntry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: { text, entry: entry.entry },
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => settle(() => reject(importError("analysis_too_slow"))), ANALYSIS_TIME_LIMIT_MS);
    worker.on("message", (message: { analysis?: SummaryAnalysis; tooLarge?: true }) =>
      settle(() => (message.analysis ? resolve(message.analysis) : reject(importError("analysis_too_large")))),
    );
    worker.on("error", (error: NodeJS.ErrnoException) =>
      settle(() => reject(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? importError("analysis_too_slow") : error)),
    );
    worker.on("exit", () => settle(() => reject(new Error("import analysis worker exited without a result"))));
  });
}
