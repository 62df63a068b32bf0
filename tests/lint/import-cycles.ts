// Fails when files of app/ import each other in a circle (type-only imports count too: a
// cycle of types still ties two modules together). Run by `npm run lint`.
import madge from "madge";

const result = await madge("app", {
  fileExtensions: ["ts", "tsx"],
  tsConfig: "tsconfig.json",
  excludeRegExp: [/\.css$/],
});
const cycles = result.circular();
const skipped = result.warnings().skipped.filter((path) => !/\.css$/.test(path) && !path.startsWith("@") && !/^[a-z]/.test(path));
if (skipped.length > 0) {
  console.error(`Import cycles: could not resolve ${skipped.length} import(s):\n  ${skipped.join("\n  ")}`);
  process.exit(1);
}
if (cycles.length > 0) {
  console.error(`Import cycles in app/ (${cycles.length}):`);
  for (const cycle of cycles) console.error(`  ${[...cycle, cycle[0]].join(" → ")}`);
  process.exit(1);
}
console.log(`Import cycles: none among ${Object.keys(result.obj()).length} files of app/.`);
