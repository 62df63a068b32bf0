import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

// Browsers cannot be downloaded here: use Debian's Chromium (apt-get install chromium).
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  throw new Error(`找不到 Chromium（${chromiumPath}）。请先运行：sudo apt-get install -y chromium fonts-noto-cjk`);
}

const NEXT_YEAR_SPECS = /summary\.spec\.ts$/;
const PLAN_YEAR_SPECS = /(import|plan-years|summary)\.spec\.ts$/;

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3101);
const baseURL = `http://localhost:${E2E_PORT}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./.tmp/e2e-results",
  fullyParallel: false,
  workers: 1,
  // One retry: machines here are shared and noisy; a retried pass is reported as flaky.
  retries: 1,
  timeout: 30_000,
  reporter: [["list"], ["json", { outputFile: "./.tmp/e2e-report.json" }]],
  use: {
    baseURL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: PLAN_YEAR_SPECS },
    // These create plan years (开启下一年度 from this year's summary, an import into next year's plan,
    // plan-years.spec's future and moved plans), which changes what other specs open: they run after
    // everything else, summary.spec first (it starts next year's plan, which the others add to).
    { name: "next-year", use: { ...devices["Desktop Chrome"] }, testMatch: NEXT_YEAR_SPECS, dependencies: ["chromium"] },
    {
      name: "new-plan-years",
      use: { ...devices["Desktop Chrome"] },
      testMatch: PLAN_YEAR_SPECS,
      testIgnore: NEXT_YEAR_SPECS,
      dependencies: ["next-year"],
    },
  ],
  webServer: {
    command: "npx tsx tests/e2e/start-server.ts",
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(E2E_PORT),
      DATABASE_PATH: "tests/.tmp/e2e/app.sqlite",
      DEMO_PASSWORD: "demo-pass-2025",
      LOG_REQUESTS: "0",
    },
  },
});
