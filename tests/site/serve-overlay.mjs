// The preview's error overlay, seen in Debian's Chromium (playwright-core):
// `engage serve` on a copy of the example site, an English page open; a save
// with a broken link makes the overlay appear over the last good page (and
// it is screenshotted, for README); the fix makes it go away, and the page
// shows the new text. Every wait is bounded.
//
// Usage: node serve-overlay.mjs ENGAGE_BINARY SITE_DIR [SCREENSHOT.png]
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [ENGAGE, SITE, SHOT] = process.argv.slice(2);
if (!ENGAGE || !SITE) {
  console.error("usage: node serve-overlay.mjs ENGAGE_BINARY SITE_DIR [SCREENSHOT.png]");
  process.exit(2);
}
const WAIT = 30_000;
const PAGE = "content/contact.en.md";

const root = mkdtempSync(join(tmpdir(), "engage-serve-"));
for (const dir of ["content", "data", "themes"]) {
  // The example sites reach the theme through a symlink: copy what it holds.
  cpSync(join(SITE, dir), join(root, dir), { recursive: true, dereference: true });
}

const server = spawn(ENGAGE, ["--root", root, "--lang", "en", "serve", "--port", "0", "--today", "2026-11-15"], {
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, NO_COLOR: "1" },
});
let log = "";
const url = await new Promise((ok, ko) => {
  const timer = setTimeout(() => ko(new Error("serve did not start:\n" + log)), WAIT);
  server.stderr.on("data", (chunk) => {
    log += chunk;
    const m = /Preview at (http:\/\/[^/\s]+)\//.exec(log);
    if (m) { clearTimeout(timer); ok(m[1]); }
  });
  server.on("exit", (code) => ko(new Error(`serve exited (${code}):\n${log}`)));
});

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`${url}/en/contact/`);
  const title = await page.textContent("h1");
  if (await page.locator("#engage-overlay").count()) throw new Error("overlay shown before any error");

  const good = readFileSync(join(root, PAGE), "utf8");
  // The reload event replaces the page: wait for the new one, not the old.
  const reloaded = () => page.waitForEvent("load", { timeout: WAIT });
  let load = reloaded();
  writeFileSync(join(root, PAGE), good + "\nSee [the old page](@/nowhere.md).\n");
  await load;
  const overlay = page.locator("#engage-overlay");
  await overlay.waitFor({ state: "visible", timeout: WAIT });
  const text = await overlay.textContent();
  if (!text.includes("content/contact.en.md") || !text.includes("content.link-missing-page")) {
    throw new Error("the overlay does not name the file and rule: " + text);
  }
  if ((await page.textContent("h1")) !== title) throw new Error("the last good page is not kept");
  if (SHOT) await page.screenshot({ path: SHOT });

  load = reloaded();
  writeFileSync(join(root, PAGE), good + "\nA sentence added in the preview.\n");
  await load;
  await overlay.waitFor({ state: "detached", timeout: WAIT });
  await page.getByText("A sentence added in the preview.").waitFor({ timeout: WAIT });
  console.log("serve-overlay: the overlay appears on a broken save and goes away on the fix");
} catch (e) {
  failed = true;
  console.error("FAIL serve-overlay: " + e.message + "\nserve said:\n" + log);
} finally {
  await browser.close();
  server.kill("SIGINT");
  rmSync(root, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
