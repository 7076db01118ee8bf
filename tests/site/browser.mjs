// Browser gates, in Debian's Chromium driven by playwright-core (never a
// downloaded browser): axe-core with the WCAG 2.1 A and AA tags on every
// page of every built site, no horizontal scroll at 320 px on any page, and
// the visitor tests of README ("For CI maintainers"). Screenshots of home,
// FAQ and calendar at phone and desktop widths go to $GATES_ARTIFACTS.
//
// Usage: node browser.mjs OUT_DIR   (OUT_DIR holds one built site per folder)
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, mkdirSync, existsSync } from "node:fs";
import { join, extname, relative, sep } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const OUT = process.argv[2] || "out";
const SHOTS = process.env.GATES_ARTIFACTS || "artifacts";
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".ics": "text/calendar", ".xml": "application/xml",
  ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon" };

const failures = [];
let checks = 0;
function fail(what) { failures.push(what); console.error("FAIL " + what); }
function check(cond, what) { checks++; if (!cond) fail(what); return cond; }

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// A static server like GitHub Pages: folders serve index.html, anything
// missing gets the root 404.html with status 404.
function serve(root) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(root, path);
    if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      return res.end(readFileSync(join(root, "404.html")));
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// Every page a visitor can land on: the HTML files, but the redirects
// written at old addresses (a meta refresh to the page, audited there).
function pages(root) {
  return walk(root)
    .filter((f) => f.endsWith(".html"))
    .filter((f) => !/http-equiv="refresh"/.test(readFileSync(f, "utf8")))
    .map((f) => "/" + relative(root, f).split(sep).join("/").replace(/(^|\/)index\.html$/, "$1"))
    .sort();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function audit(site, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const list = pages(join(OUT, site));
  let violations = 0;
  for (const path of list) {
    const url = base + path;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: "load" });
    // A page that navigates away on its own cannot be audited (and is a
    // trap for visitors): it must stay where it was asked to be.
    await page.waitForTimeout(50);
    check(page.url().split("#")[0] === url, `${site}${path}: navigated away on its own to ${page.url()}`);
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(async (tags) =>
      await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), WCAG);
    for (const v of result.violations) {
      violations += v.nodes.length;
      fail(`${site}${path}: axe ${v.id} (${v.impact}) on ${v.nodes.length} node(s): ${v.help}; first: ${v.nodes[0].target.join(" ")}`);
    }
    // No horizontal scroll at 320 px: the smallest width WCAG 1.4.10 asks for.
    await page.setViewportSize({ width: 320, height: 640 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 320, `${site}${path}: horizontal scroll at 320 px (content ${width} px wide)`);
  }
  await context.close();
  console.log(`browser: ${site}: ${list.length} pages audited with axe (${WCAG.join(", ")}) and at 320 px: ${violations} violation node(s)`);
  return list.length;
}

// The visitor tests, on the example site (root).
async function visitors(base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const href = (sel) => page.locator(sel).first().getAttribute("href");

  // Home → FAQ in French → a question → the switcher lands on the same
  // question in English.
  await page.goto(base + "/fr/");
  await page.locator(".site-nav a", { hasText: "Questions fréquentes" }).click();
  await page.waitForLoadState("load");
  const faqFr = page.url();
  await page.locator(".faq-toc a[href='#insurance']").click();
  check(page.url().endsWith("#insurance"), `FAQ table of contents leads to #insurance (got ${page.url()})`);
  await page.locator(".switcher a[hreflang=en]").click();
  await page.waitForLoadState("load");
  check(/\/en\/.*#insurance$/.test(page.url()), `switcher keeps the question: expected /en/…#insurance, got ${page.url()}`);

  // An FAQ permalink scrolls to its answer.
  await page.goto(faqFr.replace(/#.*/, "") + "#cost");
  // The theme scrolls smoothly (unless the visitor asks for reduced motion):
  // give the scroll time to end.
  await page.waitForFunction(() => Math.abs(document.getElementById("cost").getBoundingClientRect().top) < 200, null, { timeout: 5000 }).catch(() => {});
  const top = await page.evaluate(() => document.getElementById("cost").getBoundingClientRect().top);
  const y = await page.evaluate(() => window.scrollY);
  check(y > 0 && top >= -2 && top < 200, `FAQ permalink #cost scrolls to its question (scrollY ${y}, top ${top})`);
  check(await page.locator("#cost .content").isVisible(), "FAQ permalink #cost shows its answer");

  // Search: an accented and a stemmed word in each language find the right question.
  const searches = [
    ["fr", "Bureau ÉTUDIANT", "#internship-student-office"],
    ["fr", "assurances", "#insurance"],
    ["en", "Engagée trouble", "#who-to-contact"],
    ["en", "circles", "#internship-circle"],
  ];
  for (const [lang, q, anchor] of searches) {
    await page.goto(base + `/${lang}/`);
    const searchUrl = await href(`.site-nav a[href*=search], .site-nav a[href*=recherche]`);
    await page.goto(base + searchUrl);
    await page.locator(".search-form input").fill(q);
    await page.keyboard.press("Enter");
    await page.locator(".search-results li").first().waitFor({ timeout: 5000 }).catch(() => {});
    const links = await page.locator(".search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    check(links.length > 0 && links[0].endsWith(anchor), `search (${lang}) "${q}": first result should end with ${anchor}, got ${JSON.stringify(links.slice(0, 3))}`);
    check(new URL(page.url()).searchParams.get("q") === q, `search (${lang}) "${q}": the address keeps the query (${page.url()})`);
    check(!(await page.locator(".search-fallback").isVisible()), `search (${lang}) with JavaScript: the no-script fallback is hidden`);
  }

  // Keyboard only: the first Tab reaches a visible skip link, Enter moves
  // focus to the main content, and the next focused link shows an outline.
  for (const lang of ["fr", "en"]) {
    await page.goto(base + `/${lang}/`);
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
      return { cls: a.className, href: a.getAttribute("href"), visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0,
        outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 };
    });
    check(skip.href === "#main" && skip.visible, `keyboard (${lang}): first Tab reaches a visible skip link (${JSON.stringify(skip)})`);
    check(skip.outline, `keyboard (${lang}): the focused skip link has a visible outline`);
    await page.keyboard.press("Enter");
    check(await page.evaluate(() => document.activeElement && document.activeElement.id === "main"), `keyboard (${lang}): Enter on the skip link moves focus to <main>`);
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => {
      const a = document.activeElement, s = getComputedStyle(a);
      return { tag: a.tagName, inMain: !!a.closest("main"), outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    });
    check(next.inMain && next.outline, `keyboard (${lang}): after the skip link, Tab focuses a link in the main content with a visible outline (${JSON.stringify(next)})`);
  }

  // The end of a long page, keyboard only at phone width: the edit link
  // leads to the page's file in the web editor; Tab from it reaches "back to
  // top" with a visible outline; Enter brings the top of the page back and
  // the next Tab starts again from the skip link.
  // Without smooth scrolling (as for visitors who ask for reduced motion),
  // so that where the page stands is known when each key is pressed.
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const [lang, path] of [["fr", "/fr/questions-frequentes/"], ["en", "/en/faq/"]]) {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(base + path);
    const edit = page.locator(".page-end .edit-page a");
    check((await edit.count()) === 1 && /\/edit\/.*\/content\/faq\.(fr|en)\.md$/.test(await edit.getAttribute("href")),
      `edit link (${lang}): the FAQ links to content/faq.${lang}.md in the web editor (${await edit.getAttribute("href")})`);
    await edit.focus();
    await page.keyboard.press("Tab");
    const end = await page.evaluate(() => {
      const a = document.activeElement, s = getComputedStyle(a);
      return { back: !!a.closest(".back-to-top"), y: scrollY, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    });
    check(end.back && end.y > 640 && end.outline, `back to top (${lang}): Tab reaches it at the end of the page with a visible outline (${JSON.stringify(end)})`);
    await page.keyboard.press("Enter");
    const top = await page.waitForFunction(() => scrollY === 0, null, { timeout: 3000 }).then(() => true, () => false);
    check(top, `back to top (${lang}): Enter brings the top of the page back (scrollY ${await page.evaluate(() => scrollY)})`);
    await page.keyboard.press("Tab");
    check(await page.evaluate(() => document.activeElement.classList.contains("skip-link")), `back to top (${lang}): the next Tab reaches the skip link`);
  }
  await page.emulateMedia({ reducedMotion: null });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Past events never offer registration nor places.
  for (const lang of ["fr", "en"]) {
    await page.goto(base + `/${lang}/`);
    await page.goto(base + (await href(`.site-nav a[href*=calend], .site-nav a[href*=agenda]`)));
    const past = page.locator(".events-past .event");
    check((await past.count()) > 0, `calendar (${lang}): the fixed day has past events`);
    const offers = await page.locator(".events-past").evaluate((s) =>
      [...s.querySelectorAll("a, .event-capacity")].filter((e) => e.matches(".event-capacity") || /regist|inscri|forms|form/i.test(e.href + e.textContent)).map((e) => e.outerHTML));
    check(offers.length === 0, `calendar (${lang}): past events offer no registration nor places: ${offers.slice(0, 2).join(" ")}`);
  }

  // Phones: the menu folds behind a button, which opens it.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(base + "/fr/");
  const header = await page.locator(".site-header").evaluate((h) => h.getBoundingClientRect().height);
  check(header <= 160, `phone: the header takes ${header} px of 640 (at most a quarter)`);
  check(!(await page.locator(".site-nav").isVisible()), "phone: the menu is folded");
  await page.locator(".menu-button").click();
  check(await page.locator(".site-nav a").first().isVisible(), "phone: the menu button opens the menu");
  check((await page.locator(".menu-button").getAttribute("aria-expanded")) === "true", "phone: the button says the menu is open");
  await page.setViewportSize({ width: 1280, height: 900 });
  check(!(await page.locator(".menu-button").isVisible()), "desktop: no menu button");

  // Screenshots for people: home, FAQ and calendar, phone and desktop.
  mkdirSync(SHOTS, { recursive: true });
  for (const lang of ["fr", "en"]) {
    await page.goto(base + `/${lang}/`);
    const targets = {
      home: base + `/${lang}/`,
      faq: base + (await href(`.site-nav a[href*=faq], .site-nav a[href*=questions]`)),
      calendar: base + (await href(`.site-nav a[href*=calend], .site-nav a[href*=agenda]`)),
    };
    for (const [name, url] of Object.entries(targets)) {
      for (const [device, width, height] of [["phone", 375, 812], ["desktop", 1280, 900]]) {
        await page.setViewportSize({ width, height });
        await page.goto(url);
        await page.screenshot({ path: join(SHOTS, `${lang}-${name}-${device}.png`), fullPage: true });
      }
    }
  }
  await context.close();

  // JavaScript off: the search page says what to do instead, and shows no
  // form that would only reload the page.
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await nojs.newPage();
  for (const lang of ["fr", "en"]) {
    await p2.goto(base + `/${lang}/`);
    const searchUrl = await p2.locator(`.site-nav a[href*=search], .site-nav a[href*=recherche]`).first().getAttribute("href");
    await p2.goto(base + searchUrl);
    check(!(await p2.locator(".search-form").isVisible()), `search (${lang}) without JavaScript: the form is hidden`);
    const note = p2.locator(".search-nojs");
    check((await note.count()) === 1 && (await note.isVisible()), `search (${lang}) without JavaScript: a visible message (.search-nojs) says what to do`);
    check((await p2.locator(".search-fallback a").count()) > 0, `search (${lang}) without JavaScript: links to go on with`);
  }
  await nojs.close();
}

let total = 0;
for (const site of readdirSync(OUT).sort()) {
  const server = await serve(join(process.cwd(), OUT, site));
  const base = `http://127.0.0.1:${server.address().port}`;
  total += await audit(site, base);
  if (site === "root") await visitors(base);
  server.close();
}
await browser.close();
console.log(`browser: ${total} pages, ${checks} checks, ${failures.length} failure(s); screenshots in ${SHOTS}`);
process.exit(failures.length ? 1 : 0);
