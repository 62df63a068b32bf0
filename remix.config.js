/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Server-only npm packages stay external; only our own code is bundled.
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Stays on: off, the whole route manifest counts against the board's 120 kB JS budget
    // (+1.7 kB gzip). Its public /__manifest endpoint is guarded in app/server/remix-guards.ts.
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
