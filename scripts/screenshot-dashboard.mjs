// `node scripts/screenshot-dashboard.mjs http://127.0.0.1:8787 docs/dashboard.png [path]`: signs in as
// the demo Admin on a running console and saves a full-page screenshot (playwright-core + Chromium at
// CHROMIUM_PATH or /usr/bin/chromium). Used for the README's picture of the seeded dashboard.
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:8787", out = "docs/dashboard.png", path = "/dashboard"] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1560 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/login`);
  await page.waitForFunction(() => Object.keys(document.body).some((k) => k.startsWith("__reactProps$")));
  await page.getByLabel("Email").fill("admin@demo.loyaltyedge.dev");
  await page.getByLabel("Password").fill("loyalty-edge-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/dashboard");
  if (path !== "/dashboard") await page.goto(`${base}${path}`);
  await page.waitForSelector(".recharts-surface", { timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: out, fullPage: false });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
