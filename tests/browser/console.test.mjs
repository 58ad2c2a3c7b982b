// The staff console in Chromium, with the DevTools protocol's virtual authenticator as each
// person's passkey device: an admin (invited with the operator tool) invites a front-desk
// colleague, who registers a passkey, signs in, finds a request by the person's email, adds a note,
// marks it contacted and signs out; the access log after each step holds exactly those entries.
// Also: a browser without the passkey cannot sign in, the idle limit under a moved clock, every
// form working without JavaScript, axe on every page, the console not on the form's host.
// Run by scripts/browser_test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const { CONSOLE_URL, FUNCTION_URL, WEB_URL, SCREENSHOTS, STATE_COMMAND, ADMIN_COMMAND, FAKETIME_FILE, DOCS_DIR } = process.env;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const run = Date.now();
const PERSON = `person.${run}@example.com`;
let browser;
let requestId;

before(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  // A person's request, as the practice's site posts it.
  const answer = await fetch(FUNCTION_URL, {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_URL },
    body: JSON.stringify({ name: "Console Person", email: PERSON, phone: "(415) 555-2671", message: "I would like to talk about anxiety.", consent: true, "cf-turnstile-response": "console-test-token" }),
  });
  const text = await answer.text();
  assert.equal(answer.status, 201, text);
  requestId = JSON.parse(text).id;
});

after(async () => {
  await browser?.close();
});

const state = () => JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" }));
const admin = (args) => execSync(`${ADMIN_COMMAND} ${args}`, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The access log's entries by one staff member (the operator tool's CSV), oldest first. */
function logOf(email) {
  const csv = admin(`access-log --staff ${email} --csv`).trim().split("\n").slice(1);
  return csv.map((line) => line.split(",")).map((cells) => ({ action: cells[3], refs: cells[4] })).reverse();
}

/** A person's own browser with a passkey device (Chromium's virtual authenticator). */
async function device() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { context, page, cdp, authenticatorId };
}

/** Whether the device answers by itself: off, the sign-in page's passkey autofill (conditional
 * mediation, which the virtual authenticator would otherwise answer at once) waits for the person. */
async function presence({ cdp, authenticatorId }, enabled) {
  await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
}

async function press(page, selector) {
  await Promise.all([page.waitForLoadState("load"), page.click(selector)]);
}

/** Register or sign in with the button; on the sign-in page the passkey autofill may get there
 * first (the device answers it at once), which leaves the button gone: the page reached counts. */
async function ceremony(page, expectUrl) {
  await page.locator("[data-passkey]").waitFor({ state: "visible" });
  await Promise.all([
    page.waitForURL(expectUrl, { timeout: 15000 }),
    page.click("[data-passkey]", { timeout: 5000 }).catch(() => undefined),
  ]);
}

let adminDevice;
let deskDevice;
const ADMIN = `admin.${run}@practice.test`;
const DESK = `desk.${run}@practice.test`;

test("an admin invited by the operator tool registers a discoverable passkey", async () => {
  const link = admin(`staff invite ${ADMIN} --name "Ana Admin" --role admin --print-link`).trim().split("\n").pop();
  assert.match(link, /\/staff\/invite\//);
  adminDevice = await device();
  const { page, cdp, authenticatorId } = adminDevice;
  await page.goto(link);
  await ceremony(page, /\/staff\/requests/);
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, "a discoverable credential");
  assert.equal(credentials[0].rpId, "localhost");
});

test("the admin invites a front-desk colleague, who registers and works the request by the person's email", async () => {
  const { page } = adminDevice;
  await page.goto(`${CONSOLE_URL}/staff/staff`);
  await page.fill("#invite-email", DESK);
  await page.fill("#invite-name", "Dee Desk");
  await page.selectOption("#invite-role", "front-desk");
  await press(page, "form:has(#invite-email) button[type=submit]");
  assert.match(page.url(), /\/staff\/staff$/);
  const emails = state().emails;
  const invite = emails.filter((m) => JSON.stringify(m.destinations).includes(DESK)).pop();
  assert.ok(invite, `the invite's email among ${JSON.stringify(emails.map((m) => [m.subject, m.destinations]))}`);
  const link = invite.body.match(/http:\/\/localhost[^"<\s]+\/staff\/invite\/[A-Za-z0-9_-]+/)[0];

  deskDevice = await device();
  const desk = deskDevice.page;
  await desk.goto(link);
  await ceremony(desk, /\/staff\/requests/);
  assert.deepEqual(logOf(DESK).map((e) => e.action).sort(), ["listed", "passkey_added", "signed_in"]);

  await desk.fill("#q", PERSON);
  await press(desk, "form[action$='/staff/search'] button[type=submit]");
  assert.match(await desk.textContent("h1"), /1 request found/);
  assert.equal(logOf(DESK).pop().action, "searched");
  await press(desk, `a[href$='/staff/requests/${requestId}']`);
  assert.match(await desk.textContent("main"), /Console Person/);
  await desk.screenshot({ path: `${SCREENSHOTS}/console-request.png`, fullPage: true });
  if (DOCS_DIR) copyFileSync(`${SCREENSHOTS}/console-request.png`, `${DOCS_DIR}/console-request.png`);
  let last = logOf(DESK).pop();
  assert.deepEqual(last, { action: "viewed", refs: requestId });

  await desk.fill("#note", "left a voicemail");
  await press(desk, "form[action$='/notes'] button[type=submit]");
  assert.match(await desk.textContent("main"), /left a voicemail/);
  const afterNote = logOf(DESK);
  assert.deepEqual(afterNote.slice(-2).map((e) => e.action), ["note_added", "viewed"]);

  await press(desk, "form[action$='/follow-up'] button[type=submit] >> text=Contacted");
  assert.match(await desk.textContent("main"), /Contacted/);
  assert.deepEqual(logOf(DESK).slice(-2).map((e) => e.action), ["follow_up_changed", "viewed"]);

  await presence(deskDevice, false);
  await press(desk, "header button[type=submit]");
  assert.match(await desk.textContent("h1"), /Sign in/);
  assert.equal(logOf(DESK).pop().action, "signed_out");
  await desk.goto(`${CONSOLE_URL}/staff/requests/${requestId}`);
  assert.match(await desk.textContent("h1"), /Sign in/);
  assert.doesNotMatch(await desk.content(), /Console Person/, "out of reach once signed out");
  const stored = state().requests.find((r) => r.id === requestId);
  assert.equal(stored.follow_up, "contacted");
  assert.ok(!JSON.stringify(logOf(DESK)).includes(PERSON), "the log holds no address");
});

test("the link a minimal staff email carries, followed while signed out, leads through sign-in to the request", async () => {
  const desk = deskDevice.page;
  await desk.goto(`${CONSOLE_URL}/staff/requests/${requestId}`);
  // The sign-in page answers at the request's own address, and the request replaces it.
  assert.match(await desk.textContent("h1"), /Sign in/);
  await presence(deskDevice, true);
  await desk.click("[data-passkey]", { timeout: 5000 }).catch(() => undefined);
  await desk.waitForFunction(() => document.querySelector("main")?.textContent.includes("Console Person"), null, { timeout: 15000 });
  assert.match(desk.url(), new RegExp(`/staff/requests/${requestId}$`));
});

test("a second browser profile without the passkey cannot sign in", async () => {
  const stranger = await device();
  await stranger.page.goto(`${CONSOLE_URL}/staff`);
  await stranger.page.locator("[data-passkey]").waitFor({ state: "visible" });
  await stranger.page.click("[data-passkey]");
  await stranger.page.locator("#passkey-problem").waitFor({ state: "visible", timeout: 15000 });
  assert.match(await stranger.page.textContent("#passkey-problem"), /Sign-in did not work/);
  await stranger.page.goto(`${CONSOLE_URL}/staff/requests`);
  assert.match(await stranger.page.textContent("h1"), /Sign in/);
  await stranger.context.close();
});

test("the idle limit signs a person out under a moved clock", async () => {
  const desk = deskDevice.page;
  await desk.goto(`${CONSOLE_URL}/staff/requests`);
  assert.match(await desk.textContent("h1"), /Open requests/);
  writeFileSync(FAKETIME_FILE, "+960\n");
  try {
    await desk.goto(`${CONSOLE_URL}/staff/requests`);
    assert.match(await desk.textContent("h1"), /Sign in/, "16 minutes idle: signed out");
  } finally {
    writeFileSync(FAKETIME_FILE, "+0\n");
  }
});

test("with JavaScript off every form of the console but the passkey ceremony posts and is accepted", async () => {
  const cookies = await adminDevice.context.cookies();
  const plain = await browser.newContext({ javaScriptEnabled: false });
  await plain.addCookies(cookies);
  const page = await plain.newPage();
  await page.goto(`${CONSOLE_URL}/staff/requests/${requestId}`);
  await page.fill("#note", "called back, no answer");
  await press(page, "form[action$='/notes'] button[type=submit]");
  assert.match(await page.textContent("main"), /called back, no answer/);
  await press(page, "form[action$='/follow-up'] button[type=submit] >> text=Consultation scheduled");
  assert.match(await page.textContent("main"), /Consultation scheduled/);
  await page.goto(`${CONSOLE_URL}/staff/requests`);
  await page.selectOption("#state", "scheduled");
  await press(page, "form[action$='/staff/requests'] button[type=submit]");
  assert.match(page.url(), /state=scheduled/);
  await page.fill("#q", "(415) 555-2671");
  await press(page, "form[action$='/staff/search'] button[type=submit]");
  assert.match(await page.textContent("main"), new RegExp(requestId));
  await page.goto(`${CONSOLE_URL}/staff/account`);
  await page.fill("input[name=name]", "Admin laptop");
  await press(page, "form[action$='/name'] button[type=submit]");
  assert.equal(await page.inputValue("input[name=name]"), "Admin laptop");
  await page.goto(`${CONSOLE_URL}/staff/held`);
  assert.match(await page.textContent("h1"), /Held for review/);
  await page.goto(`${CONSOLE_URL}/staff/access-log`);
  await press(page, "form[action$='/staff/access-log'] button[type=submit]");
  assert.match(await page.textContent("h1"), /Access log/);
  await press(page, "header button[type=submit]");
  assert.match(await page.textContent("h1"), /Sign in/);
  await plain.close();
});

test("axe finds no serious violation on any console page", async () => {
  const fresh = await device();
  const link = admin(`staff invite axe.${run}@practice.test --name "Axe Admin" --role admin --print-link`).trim().split("\n").pop();
  await fresh.page.goto(link);
  await ceremony(fresh.page, /\/staff\/requests/);
  const cookies = await fresh.context.cookies();
  const checking = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  await checking.addCookies(cookies);
  const page = await checking.newPage();
  for (const path of ["/staff/requests", `/staff/requests/${requestId}`, "/staff/held", "/staff/account", "/staff/staff", "/staff/access-log", "/staff/step-up"]) {
    await page.goto(`${CONSOLE_URL}${path}`);
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], path);
  }
  const anonymous = await browser.newContext({ bypassCSP: true });
  const signIn = await anonymous.newPage();
  await signIn.goto(`${CONSOLE_URL}/staff`);
  await signIn.addScriptTag({ path: AXE });
  const result = await signIn.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  assert.deepEqual(result.violations.filter((v) => v.impact === "serious" || v.impact === "critical"), [], "sign-in");
  await Promise.all([checking.close(), anonymous.close(), fresh.context.close()]);
});

test("the console is not found on the form's host", async () => {
  const formBase = FUNCTION_URL.replace(/\/consultations$/, "");
  for (const path of ["/staff", "/staff/requests"]) {
    const answer = await fetch(`${formBase}${path}`);
    assert.equal(answer.status, 404, path);
  }
  const formOnConsole = await fetch(`${CONSOLE_URL}/consultations/form`);
  assert.equal(formOnConsole.status, 404);
});
