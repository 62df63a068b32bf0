// A .docx is a zip: 5 MB on disk can open into gigabytes (a decompression bomb). Before any
// part is inflated, the sizes the zip declares are checked; then the text is extracted in a
// worker thread that counts every inflated byte against the same limits, under a time and
// memory limit, so no accepted or refused file can hold up the server's other requests.
import { createRequire } from "node:module";
import { importError } from "~/lib/importer/errors";
import { oneAtATime, runWorker } from "~/lib/worker-job";

// Loaded with require on first use, not with import(): tsx (which runs the server) rewrites
// every file holding an import() expression and keeps a source map of it, and the server
// build is one large file (about +50 MB RSS).
const loadPackage = createRequire(import.meta.url);

/** word/document.xml of a long real summary is well under 5 MB; 20 MB is generous. */
export const DOCX_PART_MAX_BYTES = 20 * 1024 * 1024;
/** All parts together, opened. */
export const DOCX_TOTAL_MAX_BYTES = 40 * 1024 * 1024;
export const DOCX_EXTRACT_TIME_LIMIT_MS = 15_000;

/** The uncompressed sizes the zip's central directory declares (nothing is inflated). */
export function declaredSizes(bytes: Uint8Array): Map<string, number> {
  const { unzipSync } = loadPackage("fflate") as typeof import("fflate");
  const sizes = new Map<string, number>();
  try {
    unzipSync(bytes, {
      filter(file) {
        sizes.set(file.name, file.originalSize);
        return false;
      },
    });
  } catch {
    throw importError("docx_unreadable");
  }
  return sizes;
}

export function assertDeclaredSizesFit(bytes: Uint8Array): void {
  const sizes = declaredSizes(bytes);
  let total = 0;
  for (const size of sizes.values()) {
    if (size > DOCX_PART_MAX_BYTES) throw importError("docx_too_large");
    total += size;
  }
  if (total > DOCX_TOTAL_MAX_BYTES) throw importError("docx_too_large");
}

// Runs in the worker (CommonJS, eval'd): counts inflated bytes of every part through JSZip's
// stream (the same reader mammoth uses, so the same entries), then extracts the raw text.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const JSZip = require(workerData.jszip);
const mammoth = require(workerData.mammoth);
(async () => {
  const buffer = Buffer.from(workerData.bytes);
  const zip = await JSZip.loadAsync(buffer);
  let total = 0;
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue;
    await new Promise((resolve, reject) => {
      let size = 0;
      const stream = file.internalStream("uint8array");
      stream.on("data", (chunk) => {
        size += chunk.length;
        total += chunk.length;
        if (size > workerData.partMax || total > workerData.totalMax) {
          stream.pause();
          reject(new Error("too_large"));
        }
      });
      stream.on("error", reject);
      stream.on("end", resolve);
      stream.resume();
    });
  }
  const result = await mammoth.extractRawText({ buffer });
  parentPort.postMessage({ text: result.value });
})().catch((error) => parentPort.postMessage({ error: error && error.message === "too_large" ? "too_large" : "unreadable" }));
`;

// One extraction at a time (imports are rare; a worker takes a core while it runs), a few
// waiting behind it, and a refusal beyond that.
const MAX_WAITING_EXTRACTIONS = 4;
const enqueueExtraction = oneAtATime(MAX_WAITING_EXTRACTIONS, () => importError("docx_busy"));

/** The raw text of a .docx (mammoth's), or an ImportError; never blocks this thread for long. */
export async function extractDocxText(bytes: Uint8Array): Promise<string> {
  assertDeclaredSizesFit(bytes);
  return enqueueExtraction(() => extractInWorker(bytes));
}

function extractInWorker(bytes: Uint8Array): Promise<string> {
  return runWorker({
    script: WORKER_SOURCE,
    options: {
      eval: true,
      workerData: {
        bytes,
        jszip: loadPackage.resolve("jszip"),
        mammoth: loadPackage.resolve("mammoth"),
        partMax: DOCX_PART_MAX_BYTES,
        totalMax: DOCX_TOTAL_MAX_BYTES,
      },
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 },
    },
    timeLimitMs: DOCX_EXTRACT_TIME_LIMIT_MS,
    onMessage(message: { text?: string; error?: string }) {
      if (typeof message.text === "string") return message.text;
      throw importError(message.error === "too_large" ? "docx_too_large" : "docx_unreadable");
    },
    onTimeout: () => importError("docx_too_large"),
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY) is a file too large when opened, too.
    onError: (error) => importError(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "docx_too_large" : "docx_unreadable"),
    onExit: () => importError("docx_unreadable"),
  });
}
