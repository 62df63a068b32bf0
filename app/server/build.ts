// Builds what `npm start` runs: the Remix app (build/index.js, public/build/) and the server
// entry compiled to plain JavaScript (build/server.js). Production runs it with plain `node`:
// no TypeScript loader thread in the server process (about 50 MB less resident memory).
import { execSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/** The compiled production server; run it with `node`. */
export const SERVER_ENTRY = "build/server.js";
/** The import analysis worker (utils/import-analysis.server.ts looks for it beside the builds). */
const IMPORT_WORKER = "build/import-analysis-worker.js";
const REMIX_BUILD = "build/index.js";
const BROWSER_BUILD = "public/build";
// package-lock.json too: `npm ci` after an upgrade changes what the bundles contain.
const SOURCES = ["app", "db", "remix.config.js", "package.json", "package-lock.json", "tsconfig.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsStale(): boolean {
  const outputs = [REMIX_BUILD, SERVER_ENTRY, IMPORT_WORKER];
  if (!outputs.every((output) => existsSync(output)) || !existsSync(BROWSER_BUILD)) return true;
  const builtAt = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return SOURCES.some((source) => existsSync(source) && newestMtime(source) > builtAt);
}

/**
 * Our own server code (app/server, db, the models it shares with the Remix build) in one ESM
 * file; npm packages stay imports so native modules and lazily loaded packages resolve from
 * node_modules as before.
 */
export async function bundleServer(): Promise<void> {
  const manifest = JSON.parse(readFileSync("package.json", "utf8")) as Record<string, Record<string, string> | undefined>;
  const common = {
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }),
    logLevel: "warning",
  } as const;
  await build({ ...common, entryPoints: ["app/server/main.ts"], outfile: SERVER_ENTRY });
  await build({ ...common, entryPoints: ["app/server/import-analysis-worker.ts"], outfile: IMPORT_WORKER });
}

export async function buildAll(): Promise<void> {
  execSync("npx remix build", { stdio: "inherit" });
  await bundleServer();
}

export async function buildIfNeeded(): Promise<void> {
  if (!buildIsStale()) return;
  process.stdout.write("正在构建应用（首次启动或代码有更新）…\n");
  await buildAll();
}
