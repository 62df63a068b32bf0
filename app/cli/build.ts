// `npm run build` builds everything; `npm start` passes --if-needed to build only when the
// build is missing or older than the sources.
import { buildAll, buildIfNeeded } from "~/server/build";

await (process.argv.includes("--if-needed") ? buildIfNeeded() : buildAll());
