// serve_check.mjs DOSSIER BASE: `dossier serve` seen from Debian's chromium
// (playwright-core). DOSSIER is the folder serve watches, BASE its address
// (http://127.0.0.1:PORT). A record page is opened and the file behind it
// edited: the page reloads by itself and shows the edit; the record is
// broken: the banner names the error; dossier.xml is broken so the build
// fails: the banner says the last good output is shown and why; both fixed:
// the banner recovers. Prints "ok NAME" or "not ok NAME: why" per check
// (tests/cases/browser.sh prefixes them). Environment: DOSSIER_CHROMIUM.
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [dossier, base] = process.argv.slice(2);
if (!dossier || !base) {
  console.error("usage: node serve_check.mjs DOSSIER BASE");
  process.exit(2);
}
const engine = process.env.DOSSIER_CHROMIUM || "/usr/bin/chromium";
let failures = 0;
const ok = (name) => console.log(`ok ${name}`);
const notOk = (name, why) => { failures++; console.log(`not ok ${name}: ${why}`); };
async function step(name, fn) {
  try { await fn(); ok(name); } catch (e) { notOk(name, String(e.message || e).split("\n")[0]); }
}

const thr = readdirSync(join(dossier, "threats")).filter((f) => f.endsWith(".md")).sort()[0];
const thrFile = join(dossier, "threats", thr);
const xmlFile = join(dossier, "dossier.xml");
const goodThr = readFileSync(thrFile, "utf8");
const goodXml = readFileSync(xmlFile, "utf8");
const edit = (file, from, to) => writeFileSync(file, readFileSync(file, "utf8").replace(from, to));

const browser = await chromium.launch({
  executablePath: engine,
  args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => {
  // the record's page is missing while the record is broken: that 404 is the point
  if (m.type() === "error" && !/status of 404/.test(m.text())) errors.push(m.text());
});
const banner = page.locator("#dossier-preview");
const timeout = 60000; // a slow, loaded machine: the limit is for a hang, not for speed

await step("serve: the record page opens with the preview banner", async () => {
  await page.goto(`${base}/threats/${thr.replace(/\.md$/, ".html")}`);
  await banner.waitFor({ timeout });
  const text = await banner.innerText();
  if (!/^Preview: \d+ errors?/.test(text)) throw new Error(`banner reads "${text}"`);
});
await step("serve: an edit reloads the page with the change", async () => {
  edit(thrFile, /^title: /m, "title: Seen live in the browser ");
  await page.locator("h1", { hasText: "Seen live in the browser" }).waitFor({ timeout });
});
await step("serve: a broken record shows its error in the banner", async () => {
  edit(thrFile, /^title: Seen live in the browser /m, "title: Broken: live ");
  await page.locator("h1", { hasText: "Not in this build" }).waitFor({ timeout });
  await page.locator("#dossier-preview", { hasText: "error" }).waitFor({ timeout });
  await page.locator("#dossier-preview pre", { hasText: "yaml-syntax" }).waitFor({ state: "attached", timeout });
});
await step("serve: a failed build keeps the last good output and says why", async () => {
  edit(xmlFile, /<name>([^<]*)<\/name>/, "<nam>$1</nam>");
  await page.locator("#dossier-preview", { hasText: "The last build failed" }).waitFor({ timeout });
  await page.locator("#dossier-preview pre", { hasText: "Did you mean <name>?" }).waitFor({ timeout });
  if (!(await page.locator("main, h1").first().isVisible())) throw new Error("the page is gone");
});
await step("serve: fixed, the banner recovers", async () => {
  writeFileSync(xmlFile, goodXml);
  writeFileSync(thrFile, goodThr.replace(/^title: /m, "title: Recovered "));
  await page.locator("h1", { hasText: "Recovered" }).waitFor({ timeout });
  await page.locator("#dossier-preview", { hasText: "Preview: 0 errors" }).waitFor({ timeout });
});
if (errors.length) notOk("serve: no script error on the page", errors.slice(0, 3).join(" | "));
else ok("serve: no script error on the page");
await browser.close();
process.exit(failures ? 1 : 0);
