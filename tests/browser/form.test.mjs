// The drop-in form in web/, as a person uses it: headless Chromium (Debian's) driven by
// playwright-core, against the real local stack (cargo lambda watch + moto). Run by
// scripts/browser_test.sh, which starts everything and sets the URLs below.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const { FUNCTION_URL, WEB_URL, OTHER_URL, SCREENSHOTS, STATE_COMMAND } = process.env;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
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

/** Stored requests and sent emails for a person's unique name. */
function stateFor(name) {
  const state = JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" }));
  return {
    requests: state.requests.filter((r) => r.name === name),
    emails: state.emails.filter((e) => e.subject === `New consultation request from ${name}`),
  };
}

// What Cloudflare's widget does on a page (the widget itself needs the internet): it puts its token
// in a hidden cf-turnstile-response field of the form. Tokens that start with "expired" are refused
// by the stand-in verifier as timed out, as for a person who took longer than 300 s to write.
const TOKEN_FIELD = '<input type="hidden" name="cf-turnstile-response" value="XXXX.DUMMY.TOKEN.XXXX">';

async function openForm({ javaScript = true, origin = WEB_URL, referrerPolicy = null, token = TOKEN_FIELD } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 420, height: 1100 } });
  const page = await context.newPage();
  if (referrerPolicy) {
    // The practice's site serves its pages with a strict Referrer-Policy header.
    await page.route("**/index.html", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "referrer-policy": referrerPolicy } });
    });
  }
  await page.goto(`${origin}/index.html`);
  // What a practice does when it pastes the form into its site: point the one attribute at the API.
  if (javaScript) {
    await page.evaluate(([url, token]) => {
      const form = document.getElementById("consultation-form");
      form.action = url;
      form.insertAdjacentHTML("beforeend", token);
    }, [FUNCTION_URL, token]);
  } else {
    // Without JavaScript the page cannot be edited from inside, so the attribute is set through
    // the DevTools protocol, as the served HTML would carry it.
    const cdp = await context.newCDPSession(page);
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "#consultation-form" });
    await cdp.send("DOM.setAttributeValue", { nodeId, name: "action", value: FUNCTION_URL });
    const honeypot = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "#cf-website" });
    const { outerHTML } = await cdp.send("DOM.getOuterHTML", { nodeId: honeypot.nodeId });
    await cdp.send("DOM.setOuterHTML", { nodeId: honeypot.nodeId, outerHTML: outerHTML + token });
  }
  return { context, page };
}

let counter = 0;
function uniqueName() {
  counter += 1;
  return `Browser Person ${Date.now().toString(36)}${counter}`;
}

async function fillValid(page, name) {
  await page.fill("#cf-name", name);
  await page.fill("#cf-email", "person@example.com");
  await page.fill("#cf-phone", "(415) 555-2671");
  await page.check('input[name="preferred_contact"][value="text"]');
  await page.fill("#cf-best_time", "Weekday evenings");
  await page.selectOption("#cf-session_format", "telehealth");
  await page.fill("#cf-message", "I have been anxious at work.");
  await page.check("#cf-consent");
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

async function waitFor(check, what) {
  for (let i = 0; i < 50; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("without JavaScript the form posts and lands on the thank-you page", async () => {
  const { context, page } = await openForm({ javaScript: false });
  const name = uniqueName();
  await fillValid(page, name);
  await page.screenshot({ path: `${SCREENSHOTS}/form.png`, fullPage: true });
  await Promise.all([page.waitForURL(/thank-you\.html$/), page.click("button[type=submit]")]);
  assert.match(await page.textContent("h1"), /Thank you/);
  assert.match(await page.textContent("body"), /988/);
  await page.screenshot({ path: `${SCREENSHOTS}/no-js-thank-you.png`, fullPage: true });
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.requests[0].phone, "+14155552671");
  assert.equal(state.emails.length, 1);
  await context.close();
});

test("from a page with Referrer-Policy no-referrer, a form post without JavaScript is stored", async () => {
  const { context, page } = await openForm({ javaScript: false, referrerPolicy: "no-referrer" });
  const name = uniqueName();
  await fillValid(page, name);
  let origin;
  page.on("request", (request) => {
    if (request.method() === "POST") origin = request.headers()["origin"];
  });
  await Promise.all([page.waitForURL(/thank-you\.html$/), page.click("button[type=submit]")]);
  assert.equal(origin, "null", "the browser sends Origin: null from such a page");
  assert.match(await page.textContent("h1"), /Thank you/);
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.emails.length, 1);
  await context.close();
});

test("a 2,000-character message in Chinese goes through a form post without JavaScript", async () => {
  const { context, page } = await openForm({ javaScript: false });
  const name = uniqueName();
  await fillValid(page, name);
  const message = "我最近工作压力很大，晚上睡不着。".repeat(125);
  assert.equal([...message].length, 2000);
  await page.fill("#cf-message", message);
  await Promise.all([page.waitForURL(/thank-you\.html$/), page.click("button[type=submit]")]);
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.requests[0].message, message);
  await context.close();
});

test("when the captcha token expired while writing, the form gets a fresh one and sends again", async () => {
  const { context, page } = await openForm();
  // The widget's token expired (300 s); its reset() makes a fresh one, as Cloudflare's does.
  await page.evaluate(() => {
    const field = document.querySelector('[name="cf-turnstile-response"]');
    field.value = "expired.TOKEN";
    window.turnstile = { reset() { setTimeout(() => { field.value = "XXXX.DUMMY.TOKEN.FRESH"; }, 300); } };
  });
  const name = uniqueName();
  await fillValid(page, name);
  const answers = [];
  page.on("response", (response) => {
    if (response.request().method() === "POST") answers.push(response.status());
  });
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-thanks:not([hidden])");
  assert.deepEqual(answers, [422, 201], "one expired answer, then one successful resend");
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.emails.length, 1);
  await context.close();
});

test("with JavaScript the form thanks the person in place", async () => {
  const { context, page } = await openForm();
  const name = uniqueName();
  await fillValid(page, name);
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-thanks:not([hidden])");
  assert.equal(await page.isHidden("#consultation-form"), true);
  assert.equal(page.url(), `${WEB_URL}/index.html`, "no navigation");
  await page.screenshot({ path: `${SCREENSHOTS}/js-thank-you.png`, fullPage: true });
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.emails.length, 1);
  assert.deepEqual(await axeViolations(page), [], "thank-you state");
  await context.close();
});

test("invalid email and missing consent are shown at those fields and nothing is stored", async () => {
  const { context, page } = await openForm();
  const name = uniqueName();
  await page.fill("#cf-name", name);
  await page.fill("#cf-email", "ana@example");
  await page.fill("#cf-message", "Keep what I typed");
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-email-error:not(:empty)");
  assert.equal(await page.textContent("#cf-email-error"), "Error: Enter an email address in the correct format, like name@example.com");
  assert.match(await page.textContent("#cf-consent-error"), /Select the box to agree/);
  assert.equal(await page.getAttribute("#cf-email", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#cf-message"), "Keep what I typed", "what they typed is kept");
  assert.equal(await page.isEnabled("button[type=submit]"), true);
  await page.screenshot({ path: `${SCREENSHOTS}/field-errors.png`, fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "error state");
  assert.equal(stateFor(name).requests.length, 0);
  await context.close();
});

test("a double click sends one request and one email", async () => {
  const { context, page } = await openForm();
  const name = uniqueName();
  await fillValid(page, name);
  // The POST is held until the button has been looked at: the answer can come back faster than a
  // look from outside the page, and the form re-enables the button once it has one.
  let disabledWhileSending = false;
  await page.route((url) => url.pathname.endsWith("/consultations"), async (route) => {
    if (route.request().method() === "POST") {
      disabledWhileSending = await page.isDisabled("button[type=submit]");
    }
    await route.continue();
  });
  await page.dblclick("button[type=submit]");
  await page.waitForSelector("#cf-thanks:not([hidden])");
  await waitFor(() => stateFor(name).emails.length >= 1, "the email");
  const state = stateFor(name);
  assert.equal(state.requests.length, 1);
  assert.equal(state.emails.length, 1);
  assert.equal(disabledWhileSending, true, "the button is disabled while sending");
  await context.close();
});

test("from an origin that is not allowed the browser blocks the request and nothing is stored", async () => {
  const { context, page } = await openForm({ origin: OTHER_URL });
  const name = uniqueName();
  await fillValid(page, name);
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-status:not(:empty)", { timeout: 10000 });
  assert.match(await page.textContent("#cf-status"), /could not send your request/);
  assert.match(await page.textContent("#cf-way-out"), /reach the practice directly/, "and how else to");
  assert.equal(await page.isHidden("#cf-thanks"), true);
  assert.equal(await page.inputValue("#cf-name"), name, "answers are kept for a retry");
  await page.screenshot({ path: `${SCREENSHOTS}/other-origin.png`, fullPage: true });
  assert.equal(stateFor(name).requests.length, 0);
  await context.close();
});

test("a follow-up link from the staff email shows a confirmation, and its button records the state", async () => {
  const { context, page } = await openForm();
  const name = uniqueName();
  await fillValid(page, name);
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-thanks:not([hidden])");
  await waitFor(() => stateFor(name).emails.length >= 1, "the staff email");
  const html = stateFor(name).emails[0].body;

  // What staff see: the email itself, rendered as a mail client would.
  const email = await context.newPage();
  await email.setContent(html);
  await email.screenshot({ path: `${SCREENSHOTS}/staff-email.png`, fullPage: true });
  const link = html.match(/href="([^"]*follow-up\?state=contacted[^"]*)"/)[1].replaceAll("&#38;", "&").replaceAll("&amp;", "&");

  // A context that lets axe's script in despite the page's CSP (which forbids any script).
  const staff = await browser.newContext({ bypassCSP: true, viewport: { width: 420, height: 800 } });
  const confirm = await staff.newPage();
  await confirm.goto(link);
  assert.match(await confirm.textContent("h1"), /Record a follow-up/);
  assert.equal(stateFor(name).requests[0].follow_up, "new", "opening the link changes nothing");
  assert.ok(!(await confirm.textContent("body")).includes(name), "no personal data on the page");
  assert.deepEqual(await axeViolations(confirm), [], "confirmation page");
  await confirm.screenshot({ path: `${SCREENSHOTS}/follow-up-confirm.png`, fullPage: true });
  await Promise.all([confirm.waitForLoadState("load"), confirm.click("button[type=submit]")]);
  await confirm.waitForSelector("text=Recorded, thank you");
  await confirm.screenshot({ path: `${SCREENSHOTS}/follow-up-recorded.png`, fullPage: true });
  assert.equal(stateFor(name).requests[0].follow_up, "contacted");
  await staff.close();
  await context.close();
});

test("the form has no serious or critical accessibility violations", async () => {
  const { context, page } = await openForm();
  assert.deepEqual(await axeViolations(page), []);
  const trap = await page.$eval("#cf-website", (el) => {
    const box = el.getBoundingClientRect();
    return { offscreen: box.right < 0 || box.left < -1000, hidden: el.closest("[aria-hidden=true]") !== null, tab: el.tabIndex };
  });
  assert.deepEqual(trap, { offscreen: true, hidden: true, tab: -1 }, "the honeypot is hidden from people and screen readers");
  await context.close();
});

test("when the API answers 503 twice, the page says how to reach the practice and keeps what was typed", async () => {
  const { context, page } = await openForm();
  const name = uniqueName();
  const keys = [];
  const cors = {
    "access-control-allow-origin": WEB_URL,
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "Content-Type, Accept, Idempotency-Key",
  };
  await page.route("**/consultations", async (route) => {
    if (route.request().method() === "OPTIONS") {
      await route.fulfill({ status: 204, headers: cors });
      return;
    }
    keys.push(route.request().headers()["idempotency-key"]);
    await route.fulfill({
      status: 503,
      contentType: "application/json",
      headers: { ...cors, "retry-after": "30" },
      body: JSON.stringify({ error: "temporarily_unavailable", message: "We could not save your request just now." }),
    });
  });
  await fillValid(page, name);
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-way-out:not([hidden])", { timeout: 10000 });

  assert.equal(keys.length, 2, "one retry, then the way out");
  assert.equal(keys[0], keys[1], "the retry is the same request");
  const wayOut = await page.textContent("#cf-way-out");
  assert.match(wayOut, /reach the practice directly/);
  assert.match(wayOut, /\(312\) 555-0142/);
  assert.equal(await page.getAttribute("#cf-way-out a[href^='tel:']", "href"), "tel:3125550142");
  assert.equal(await page.inputValue("#cf-message"), "I have been anxious at work.", "what they typed is kept");
  assert.equal(await page.evaluate(() => Object.keys(window.localStorage).length + Object.keys(window.sessionStorage).length), 0,
    "nothing in browser storage: a shared computer keeps nothing");
  await page.screenshot({ path: `${SCREENSHOTS}/way-out.png`, fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "way-out state");

  // Edited and sent again: a new request, under a new key.
  await page.fill("#cf-message", "I have been anxious at work, and sleeping badly.");
  await page.click("button[type=submit]");
  await waitFor(() => keys.length === 4, "the edited request and its retry");
  assert.notEqual(keys[2], keys[0], "other content, another key");
  assert.equal(stateFor(name).requests.length, 0, "nothing reached the function");
  await context.close();
});

test("with JavaScript off and Turnstile on, a person is held for review and thanked, not turned away", async () => {
  const { context, page } = await openForm({ javaScript: false, token: "" });
  const name = uniqueName();
  await fillValid(page, name);
  await Promise.all([page.waitForURL(/thank-you\.html$/), page.click("button[type=submit]")]);
  assert.match(await page.textContent("h1"), /Thank you/);
  const held = JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" })).held.filter((r) => r.name === name);
  assert.equal(held.length, 1, "stored, held for review");
  assert.equal(held[0].held_reason, "no_captcha");
  assert.equal(stateFor(name).emails.length, 0, "left for the review digest");
  await context.close();
});

test("when the captcha widget is blocked, the script sends the form as a plain post and the person is thanked", async () => {
  const blocked = '<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA"></div>';
  const { context, page } = await openForm({ token: blocked });
  const name = uniqueName();
  await fillValid(page, name);
  await Promise.all([page.waitForURL(/thank-you\.html$/), page.click("button[type=submit]")]);
  const held = JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" })).held.filter((r) => r.name === name);
  assert.equal(held.length, 1);
  assert.equal(held[0].held_reason, "no_captcha");
  await context.close();
});

test("with errors, focus lands on a summary whose links move to each field, and the title says Error", async () => {
  const { context, page } = await openForm();
  await page.fill("#cf-name", uniqueName());
  await page.fill("#cf-email", "ana@example");
  await page.check('input[name="preferred_contact"][value="phone"]');
  await page.click("button[type=submit]");
  await page.waitForSelector("#cf-error-summary:not([hidden])");

  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.evaluate(() => document.activeElement.id), "cf-error-summary", "focus on the summary");
  assert.match(await page.textContent("#cf-error-summary h2"), /There is a problem/);
  const links = await page.$$eval("#cf-error-summary a", (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href") })));
  assert.deepEqual(links.map((l) => l.href), ["#cf-email", "#cf-phone", "#cf-consent"]);
  for (const { text, href } of links) {
    const beside = await page.textContent(`${href}-error`);
    assert.equal(beside, `Error: ${text}`, "worded as the message beside the field");
    assert.doesNotMatch(text, /\b(valid|invalid|please)\b/i, "says what to do");
    await page.click(`#cf-error-summary a[href="${href}"]`);
    assert.equal(await page.evaluate(() => "#" + document.activeElement.id), href, "the link moves focus to its field");
  }
  await page.screenshot({ path: `${SCREENSHOTS}/error-summary.png`, fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "error state");
  await context.close();
});
