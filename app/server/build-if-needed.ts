// `npm start` builds only when the build is missing or older than the sources.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const BUILD_MARKER = "build/index.js";
const SOURCES = ["app", "db", "remix.config.js", "package.json", "tsconfig.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const stale =
  !existsSync(BUILD_MARKER) ||
  SOURCES.some((source) => existsSync(source) && newestMtime(source) > statSync(BUILD_MARKER).mtimeMs);

if (stale) {
  process.stdout.write("正在构建应用（首次启动或代码有更新）…\n");
  execSync("npx remix build", { stdio: "inherit" });
}
