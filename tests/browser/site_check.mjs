// site_check.mjs OUT SHOTS: the output folder of `dossier build` served on
// 127.0.0.1 and visited page by page in Debian's chromium through
// playwright-core. Prints one line per check, "ok NAME" or "not ok NAME: why"
// (tests/cases/browser.sh prefixes them): every page loads with no console
// error and no failed request; every internal link reaches a file, and every
// #fragment and ID reference (aria-labelledby, label for, headers) an element;
// the matrix filters and sorts by whole threats; axe-core finds no serious or
// critical violation on one page of each kind; screenshots for review.
// Environment: DOSSIER_CHROMIUM (default /usr/bin/chromium).
import { readFileSync, readdirSync, statSync, mkdirSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { join, extname, relative, dirname, posix } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [root, shots] = process.argv.slice(2);
if (!root || !shots) {
  console.error("usage: node site_check.mjs OUT SHOTS");
  process.exit(2);
}
const engine = process.env.DOSSIER_CHROMIUM || "/usr/bin/chromium";

let failures = 0;
const ok = (name) => console.log(`ok ${name}`);
const notOk = (name, why) => { failures++; console.log(`not ok ${name}: ${why}`); };
const skip = (name, why) => console.log(`skip ${name}: ${why}`);

// Every file below root, as URL paths relative to it.
function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(relative(root, full).split("\\").join("/"));
  }
  return out;
}
const files = new Set(walk(root));
const pages = [...files].filter((f) => f.endsWith(".html") && !f.startsWith("premarket/records/"));

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".json": "application/json", ".csv": "text/csv",
  ".atom": "application/atom+xml", ".xml": "application/xml", ".md": "text/markdown; charset=utf-8",
  ".pdf": "application/pdf", ".png": "image/png", ".svg": "image/svg+xml",
};
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "");
  const file = path === "" ? "index.html" : path;
  if (file === "favicon.ico") { // asked for by the browser itself, not by a page
    res.writeHead(204);
    res.end();
    return;
  }
  if (!files.has(file)) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
    return;
  }
  res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(join(root, file)));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: engine,
  args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
const page = await context.newPage();
let problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

// What each page links to and which IDs it holds.
const links = new Map(); // page -> [{href, text}]
const ids = new Map();   // page -> Set of id and a[name]
for (const p of pages) {
  problems = [];
  try {
    await page.goto(base + p, { waitUntil: "load" });
    const found = await page.evaluate(() => {
      const all = new Set([...document.querySelectorAll("[id]")].map((e) => e.id));
      for (const a of document.querySelectorAll("a[name]")) all.add(a.name);
      const refs = [];
      for (const [sel, attr] of [["[aria-labelledby]", "aria-labelledby"], ["[aria-describedby]", "aria-describedby"],
        ["[aria-controls]", "aria-controls"], ["label[for]", "for"], ["td[headers], th[headers]", "headers"]])
        for (const e of document.querySelectorAll(sel))
          for (const id of e.getAttribute(attr).split(/\s+/).filter(Boolean)) if (!all.has(id)) refs.push(`${attr}="${id}"`);
      return {
        ids: [...all],
        links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
        dangling: refs,
        lang: document.documentElement.lang,
        title: document.title,
      };
    });
    ids.set(p, new Set(found.ids));
    links.set(p, found.links);
    if (!found.lang || !found.title) problems.push(`lang "${found.lang}", title "${found.title}"`);
    if (found.dangling.length) problems.push(`ID references to nothing: ${found.dangling.slice(0, 3).join(", ")}`);
  } catch (e) {
    problems.push(`cannot load: ${e.message.split("\n")[0]}`);
  }
  if (problems.length) notOk(`${p}: loads with no console error, failed request or dangling ID reference`, problems.slice(0, 4).join("; "));
  else ok(`${p}: loads with no console error, failed request or dangling ID reference`);
}

// Every internal link: a file that exists, and its #fragment an element there.
let checked = 0, anchors = 0;
const broken = [];
for (const [p, hrefs] of links) {
  for (const href of hrefs) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue; // http:, mailto:, ...
    const [pathPart, frag] = href.split("#");
    let target = pathPart === "" ? p : posix.normalize(posix.join(posix.dirname(p), decodeURIComponent(pathPart)));
    if (target.endsWith("/")) target += "index.html";
    checked++;
    if (!files.has(target)) { broken.push(`${p} -> ${href} (no such file)`); continue; }
    if (frag !== undefined && frag !== "" && target.endsWith(".html")) {
      anchors++;
      const there = ids.get(target);
      if (there && !there.has(decodeURIComponent(frag))) broken.push(`${p} -> ${href} (no id "${frag}")`);
    }
  }
}
if (broken.length) notOk(`every internal link and #ID anchor resolves (${checked} links, ${anchors} anchors)`, `${broken.length} broken: ${broken.slice(0, 8).join("; ")}`);
else ok(`every internal link and #ID anchor resolves (${checked} links, ${anchors} anchors)`);

// The matrix: its filter and sorting (matrix.js) work on whole threats:
// a threat's rows are shown, hidden and moved together.
await page.goto(base + "matrix.html");
const groups = () => page.evaluate(() => [...document.querySelectorAll("table.matrix tbody")]
  .filter((g) => !g.hidden && g.offsetParent !== null)
  .map((g) => ({ id: (g.querySelector("th .id") || {}).textContent || "", rows: g.rows.length,
                 gaps: g.querySelectorAll("tr.gap").length, text: g.textContent.replace(/\s+/g, " ") })));
const form = page.locator("#matrix-filter");
if (await form.count() === 0) {
  ok("matrix: no threats, so no filter to drive");
} else {
  const all = await groups();
  if (await form.isVisible()) ok("matrix: the script shows the filter form");
  else notOk("matrix: the script shows the filter form", "still hidden");
  const want = all[0].id;
  await page.fill("#matrix-q", want);
  const named = await groups();
  if (named.length > 0 && named.length <= all.length && named.every((g) => g.text.includes(want)) &&
      named.every((g) => all.find((a) => a.id === g.id).rows === g.rows))
    ok(`matrix: filtering by ${want} keeps ${named.length} of ${all.length} threats, each naming it with all its rows`);
  else notOk(`matrix: filtering by ${want}`, `${all.length} threats before, ${named.length} after`);
  await page.fill("#matrix-q", "no-such-word-anywhere");
  const none = await groups();
  const said = await page.textContent("#matrix-count");
  if (none.length === 0 && said.startsWith(`0 of ${all.length}`)) ok(`matrix: a word found nowhere hides every threat and says "${said}"`);
  else notOk("matrix: a word found nowhere hides every threat", `${none.length} shown, count says "${said}"`);
  await page.fill("#matrix-q", "");
  await page.check("#matrix-gaps");
  const gapped = await groups();
  const withGaps = all.filter((g) => g.gaps > 0).length;
  if (gapped.length === withGaps && gapped.every((g) => g.gaps > 0))
    ok(`matrix: "with a gap only" shows the ${withGaps} threats with a gap`);
  else notOk('matrix: "with a gap only"', `${gapped.length} shown, ${withGaps} have a gap`);
  await page.uncheck("#matrix-gaps");
  const order = (gs) => gs.map((g) => g.id).join(" ");
  const header = page.locator("table.matrix thead th button.sort").first();
  await header.click();
  const asc = await groups();
  await header.click();
  const desc = await groups();
  const sort = await page.getAttribute("table.matrix thead th:first-child", "aria-sort");
  if (asc.length === all.length && order(desc) === order([...asc].reverse()) && sort === "descending" &&
      order([...asc].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }))) === order(asc))
    ok(`matrix: the Threat heading sorts the ${all.length} threats by ID, then the other way (aria-sort ${sort})`);
  else notOk("matrix: sorting by threat", `ascending ${order(asc)}; descending ${order(desc)}; aria-sort ${sort}`);
  const gapHeader = page.locator("table.matrix thead th button.sort").last();
  await gapHeader.click();
  const byGaps = await groups();
  const counts = byGaps.map((g) => g.gaps);
  if (counts.every((c, i) => i === 0 || counts[i - 1] >= c) && byGaps.length === all.length)
    ok("matrix: the Gap heading puts the threats with most gaps first");
  else notOk("matrix: sorting by gaps", `gap counts in order: ${counts.join(",")}`);
}

// axe-core on one page of each kind.
const first = (prefix) => pages.find((p) => p.startsWith(prefix) && !p.endsWith("index.html"));
const sample = [...new Set(["index.html", "matrix.html", "findings.html", "sbom.html", "threats/index.html",
  first("threats/"), first("controls/"), first("tests/"), first("assets/"), first("components/"), first("views/"),
  first("vulnerabilities/"), first("anomalies/"), first("signals/"), first("incidents/"), first("releases/"),
  first("advisories/"), "mds2/index.html", "public/whitepaper.html", "public/advisories/index.html",
  first("public/advisories/"), "premarket/index.html", "premarket/01a-threat-model.html",
  "premarket/01f-traceability.html", "premarket/checklist.html", "postmarket/index.html", first("public/sbom/")]
  .filter((p) => p && files.has(p)))];
for (const p of sample) {
  await page.goto(base + p);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ["violations"] })).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}x: ${v.nodes[0].target.join(" ")})`));
  if (result.length) notOk(`${p}: axe-core finds no serious or critical violation`, result.slice(0, 4).join("; "));
  else ok(`${p}: axe-core finds no serious or critical violation`);
}

// Printed documents (build --pdf): nothing wider than the page's text area,
// which would make Chromium clip or shrink the page. The widths are those of
// the @page rules: US Letter less the side margins, in CSS pixels.
const printed = pages.filter((p) => /^premarket\/[^/]+\.html$/.test(p) && p !== "premarket/index.html"
  || /^public\/advisories\/[^/]+\.html$/.test(p) && !p.endsWith("index.html")
  || ["postmarket/index.html", "public/whitepaper.html", "mds2/index.html"].includes(p));
const mm = 96 / 25.4;
const textWidth = (p) => p === "mds2/index.html" ? Math.floor(11 * 96 - 24 * mm)
  : p === "public/whitepaper.html" ? Math.floor(8.5 * 96 - 36 * mm) : Math.floor(8.5 * 96 - 30 * mm);
await page.emulateMedia({ media: "print" });
for (const p of printed) {
  const width = textWidth(p);
  await page.setViewportSize({ width, height: 1000 });
  await page.goto(base + p);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide <= width + 1) ok(`${p}: on paper nothing is wider than the page (${width} px)`);
  else notOk(`${p}: on paper nothing is wider than the page`, `${wide} px wide in ${width} px`);
}
await page.emulateMedia({ media: "screen" });
await page.setViewportSize({ width: 1366, height: 1000 });

// Screenshots for review.
mkdirSync(shots, { recursive: true });
for (const [p, name, full] of [["index.html", "index", true], [first("threats/"), "threat", true],
  ["matrix.html", "matrix", false], ["mds2/index.html", "mds2", false]]) {
  if (!p || !files.has(p)) { notOk(`screenshot ${name}`, `no page ${p}`); continue; }
  await page.goto(base + p);
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: full });
  if (existsSync(file) && statSync(file).size > 5000) ok(`screenshot of ${p} in ${name}.png`);
  else notOk(`screenshot of ${p}`, "no image written");
}

await browser.close();
server.close();
process.exit(failures ? 1 : 0);
