// Worker-thread entry: analyses one document's text (workerData) and posts the result back.
// Built to build/import-analysis-worker.js beside the server; tests run it from source via tsx.
import { parentPort, workerData } from "node:worker_threads";
import { analysisIsTooLarge, analyzeSummary } from "~/lib/import-analysis";

// An oversized result is not sent back: copying it to the main thread is itself slow.
const analysis = analyzeSummary((workerData as { text: string }).text);
parentPort?.postMessage(analysisIsTooLarge(analysis) ? { tooLarge: true } : { analysis });
