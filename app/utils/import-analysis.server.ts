// Runs the import analysis (parse + plan draft) on a worker thread with a time and memory limit,
// so a large or hostile pasted text never holds up other requests: about 1.5 s of CPU per
// megabyte of text would otherwise block the event loop. One analysis at a time (imports are
// rare and a worker takes a core), a few waiting, and a Chinese refusal beyond that.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SummaryAnalysis } from "~/lib/import-analysis";
import { importError } from "~/lib/importer/errors";
import { oneAtATime, runWorker } from "~/lib/worker-job";

export const ANALYSIS_TIME_LIMIT_MS = 15_000;
const MAX_WAITING_ANALYSES = 4;

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

const enqueueAnalysis = oneAtATime(MAX_WAITING_ANALYSES, () => importError("analysis_busy"));

export function analyzeSummaryOffThread(text: string): Promise<SummaryAnalysis> {
  return enqueueAnalysis(() => {
    const entry = workerEntry();
    return runWorker({
      script: entry.script,
      options: {
        eval: entry.eval,
        workerData: { text, entry: entry.entry },
        resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 },
      },
      timeLimitMs: ANALYSIS_TIME_LIMIT_MS,
      onMessage(message: { analysis?: SummaryAnalysis; tooLarge?: true }) {
        if (message.analysis) return message.analysis;
        throw importError("analysis_too_large");
      },
      onTimeout: () => importError("analysis_too_slow"),
      onError: (error) => (error.code === "ERR_WORKER_OUT_OF_MEMORY" ? importError("analysis_too_slow") : error),
      onExit: () => new Error("import analysis worker exited without a result"),
    });
  });
}
