// The hosted form, as a practice on a site builder uses it: a page on the practice's origin embeds
// it with the one script tag (or a plain iframe), the frame fits the form, a person writes in
// Spanish and is thanked inside the frame; a page on another origin cannot frame it; with
// JavaScript off the frame still posts and thanks; a page elsewhere that posts to it cannot make
// it show values it chose. Run by scripts/browser_test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const { FUNCTION_URL, WEB_URL, OTHER_URL, SCREENSHOTS, STATE_COMMAND, SITE_DIR } = process.env;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const FORM_URL = `${FUNCTION_URL}/form`;
const EMBED_URL = `${FUNCTION_URL}/embed.js`;
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
});

function requestsNamed(name) {
  const state = JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" }));
  return [...state.requests, ...state.held].filter((r) => r.name === name);
}

let pages = 0;
/** A page of the practice's site at `origin` whose body is `html` (what a builder serves). */
async function sitePage({ origin = WEB_URL, html, javaScript = true, height = 900 }) {
  pages += 1;
  const file = `practice-${pages}.html`;
  writeFileSync(`${SITE_DIR}/${file}`, html);
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 420, height } });
  const page = await context.newPage();
  const messages = [];
  page.on("console", (m) => messages.push(m.text()));
  await page.goto(`${origin}/${file}`);
  return { context, page, messages };
}

async function waitFor(check, what) {
  for (let i = 0; i < 50; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function formFrame(page) {
  for (let i = 0; i < 100; i += 1) {
    const frame = page.frames().find((f) => f.url().startsWith(FORM_URL));
    if (frame && (await frame.locator("#consultation-form").count()) > 0) return frame;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seen = await Promise.all(page.frames().map(async (f) => `${f.url()}: ${(await f.content().catch(() => "")).slice(0, 300)}`));
  assert.fail(`the hosted form did not load in its frame; frames: ${seen.join(" | ")}`);
}

async function fillSpanish(frame, name) {
  await frame.fill("#cf-name", name);
  await frame.fill("#cf-email", "persona@example.com");
  await frame.fill("#cf-message", "Me gustaría hablar con alguien sobre la ansiedad.");
  await frame.check("#cf-consent");
}

test("one script tag embeds the form, the frame grows to fit, and a person is thanked in Spanish inside it", async () => {
  const html = `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Consulta</title></head>
<body><h1>Nuestra consulta</h1><script src="${EMBED_URL}" async></script><footer>Pie de página</footer></body></html>`;
  // Tall enough to show the whole frame in the picture of it.
  const { context, page } = await sitePage({ html, height: 1800 });
  const frame = await formFrame(page);
  const iframe = page.locator("iframe");
  assert.equal(await iframe.getAttribute("title"), "Formulario para solicitar una consulta");
  assert.equal(await frame.getAttribute("html", "lang"), "es");
  let height = "";
  for (let i = 0; i < 50 && !/px$/.test(height); i += 1) {
    height = await iframe.evaluate((el) => el.style.height);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(height, /^\d+px$/, "the frame was sized by the form's message");
  const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  assert.ok(Math.abs(parseInt(height, 10) - content) <= 2, `frame ${height}, form ${content}px`);
  assert.notEqual(height, "960px", "not the script's first guess");
  await page.screenshot({ path: `${SCREENSHOTS}/hosted-form-embedded.png`, fullPage: true });

  const name = `Embebida ${Date.now()}`;
  await fillSpanish(frame, name);
  await frame.click("button[type=submit]");
  await frame.locator("#cf-thanks").waitFor({ state: "visible" });
  assert.match(await frame.textContent("#cf-thanks"), /Gracias, recibimos su solicitud/);
  // The frame shrinks to the thank-you.
  let shrunk = height;
  for (let i = 0; i < 50 && shrunk === height; i += 1) {
    shrunk = await iframe.evaluate((el) => el.style.height);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(parseInt(shrunk, 10) < parseInt(height, 10), `${shrunk} after ${height}`);
  await page.screenshot({ path: `${SCREENSHOTS}/hosted-form-thanks.png`, fullPage: true });
  const [stored] = requestsNamed(name);
  assert.equal(stored?.language, "es", "stored with its language");
  await context.close();
});

test("a page on another origin cannot frame the form", async () => {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Elsewhere</title></head>
<body><iframe src="${FORM_URL}" title="Consultation request form"></iframe></body></html>`;
  // The same page on the practice's own origin shows it, so the refusal below is the origin's.
  const allowed = await sitePage({ html });
  await formFrame(allowed.page);
  await allowed.context.close();
  const { context, page, messages } = await sitePage({ origin: OTHER_URL, html });
  await waitFor(() => messages.some((m) => /frame-ancestors/.test(m)), "the browser's refusal");
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const shown = frame ? await frame.locator("#consultation-form").count().catch(() => 0) : 0;
  assert.equal(shown, 0, "frame-ancestors blocks it");
  await context.close();
});

test("a page elsewhere that posts to the form cannot make it show values it chose", async () => {
  const name = `Planted ${Date.now()}`;
  for (const referrer of ["no-referrer", "strict-origin-when-cross-origin"]) {
    // The attacker's page: a form that posts itself, as the hosted form would, with words chosen
    // to be read by the person who completes what they see.
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Win a prize</title>
<meta name="referrer" content="${referrer}"></head>
<body><form id="f" method="post" action="${FUNCTION_URL}">
<input type="hidden" name="hosted_form" value="1"><input type="hidden" name="name" value="${name}">
<input type="hidden" name="email" value="attacker@evil.example">
<input type="hidden" name="message" value="planted words"></form>
<script>document.getElementById("f").submit();</script></body></html>`;
    const { context, page } = await sitePage({ origin: OTHER_URL, html });
    await page.waitForURL((url) => url.href.startsWith(FUNCTION_URL));
    await page.waitForLoadState();
    const shown = await page.content();
    for (const planted of [name, "attacker@evil.example", "evil.example", "planted words"]) {
      assert.ok(!shown.includes(planted), `${referrer}: "${planted}" shown`);
    }
    if (referrer === "no-referrer") {
      // `Origin: null`, which a plain form post may send: answered with the form, empty.
      assert.equal(await page.inputValue("#cf-name"), "", "the form is shown empty");
    } else {
      // Its own origin, which is not the practice's: refused outright.
      assert.equal(await page.locator("#cf-name").count(), 0, "refused, no form shown");
    }
    await context.close();
  }
  assert.deepEqual(requestsNamed(name), [], "nothing stored");
});

test("with JavaScript off the framed form still posts and thanks inside the frame", async () => {
  const html = `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Consulta</title></head>
<body><iframe src="${FORM_URL}?lang=es" title="Formulario para solicitar una consulta" style="width:100%;height:1400px;border:0"></iframe></body></html>`;
  const { context, page } = await sitePage({ html, javaScript: false });
  const frame = await formFrame(page);
  const name = `Sin JavaScript ${Date.now()}`;
  await fillSpanish(frame, name);
  await Promise.all([frame.waitForNavigation(), frame.click("button[type=submit]")]);
  assert.match(await frame.textContent("h1"), /Gracias, recibimos su solicitud/);
  const [stored] = requestsNamed(name);
  assert.equal(stored?.held_reason, "no_captcha", "no token without JavaScript: held for review");
  await context.close();
});

test("the hosted form, shown again after errors, keeps what was typed and has no serious accessibility violation in either language", async () => {
  for (const lang of ["en", "es"]) {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 420, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${FORM_URL}?lang=${lang}`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    await page.addScriptTag({ path: AXE });
    let result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    let serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(serious, [], `${lang}: the form`);
    await context.close();

    // Without JavaScript, the errors come back as a page: the form again, with the summary.
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 420, height: 900 } });
    const form = await plain.newPage();
    await form.goto(`${FORM_URL}?lang=${lang}`);
    // Past the browser's own checks (type=email, required), refused by the function's rules.
    await form.fill("#cf-name", "Ana <b>");
    await form.fill("#cf-email", "ana@localhost");
    await form.check("#cf-consent");
    await Promise.all([form.waitForNavigation(), form.click("button[type=submit]")]);
    assert.match(await form.title(), /^Error: /);
    assert.equal(await form.inputValue("#cf-name"), "Ana <b>", "what was typed is kept");
    assert.equal(await form.getAttribute("#cf-email", "aria-invalid"), "true");
    await form.screenshot({ path: `${SCREENSHOTS}/hosted-form-errors-${lang}.png`, fullPage: true });
    await plain.close();
    const check = await browser.newContext({ bypassCSP: true, viewport: { width: 420, height: 900 } });
    const again = await check.newPage();
    await again.goto(`${FORM_URL}?lang=${lang}`);
    await again.fill("#cf-name", "Ana");
    await again.fill("#cf-email", "nope");
    await again.click("button[type=submit]");
    await again.locator("#cf-error-summary").waitFor({ state: "visible" });
    await again.addScriptTag({ path: AXE });
    result = await again.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(serious, [], `${lang}: the error state`);
    await check.close();
  }
});
