// The practice's own questions and routing among clinicians, in Chromium: a person answers the
// questions in Spanish on the hosted form (a refused answer in the error summary, what they chose
// kept), two clinicians set up with the operator tool, each request routed to the one licensed in
// its state; a clinician signs in and sees only their request (another's address is not found);
// the front desk reassigns it; axe on the pages. Run by scripts/browser_test.sh, whose build asks
// four questions (tests/fixtures/questions.toml).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const { CONSOLE_URL, FUNCTION_URL, WEB_URL, STATE_COMMAND, ADMIN_COMMAND, FAKETIME_FILE } = process.env;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const run = Date.now();
const ADA = `ada.${run}@practice.test`;
const BEN = `ben.${run}@practice.test`;
const DESK = `routing-desk.${run}@practice.test`;
let browser;

before(async () => {
  // Every browser here signs in from 127.0.0.1, as the console's own tests did just before: the
  // function's clock moves half an hour on, to a fresh window of the sign-in limits.
  writeFileSync(FAKETIME_FILE, "+1800\n");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  // Two clinicians, each licensed in one state, accepting new clients.
  for (const [email, name, state] of [[ADA, "Ada Ruiz", "IL"], [BEN, "Ben Okafor", "WI"]]) {
    admin(`staff invite ${email} --name "${name}" --role clinician --print-link`);
    admin(`staff profile ${email} --regions ${state} --payers bcbs,self_pay --client-types adult,child --accepting yes`);
  }
});

after(async () => {
  await browser?.close();
  writeFileSync(FAKETIME_FILE, "+0\n");
});

const state = () => JSON.parse(execSync(STATE_COMMAND, { encoding: "utf8" }));
const admin = (args) => execSync(`${ADMIN_COMMAND} ${args}`, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

async function axeClean(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], what);
}

/** A person's browser with a passkey device, registered from an invite link. */
async function signedIn(link) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.goto(link);
  await page.locator("[data-passkey]").waitFor({ state: "visible" });
  await Promise.all([
    page.waitForURL(/\/staff\/requests/, { timeout: 15000 }),
    page.click("[data-passkey]", { timeout: 5000 }).catch(() => undefined),
  ]);
  return { context, page };
}

const inviteLink = (email, name, role) =>
  admin(`staff invite ${email} --name "${name}" --role ${role} --print-link`).trim().split("\n").pop();

let illinois;
let wisconsin;

test("a person answers the practice's questions in Spanish on the hosted form", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "es-MX", bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${FUNCTION_URL}/form?lang=es`);
  assert.match(await page.textContent("label[for=cf-q_state]"), /¿Dónde estará durante las sesiones\?/);
  await page.fill("#cf-name", "Lucía Pérez");
  await page.fill("#cf-email", `lucia.${run}@example.com`);
  await page.selectOption("#cf-q_state", "IL");
  await page.check("input[name=q_payment][value=bcbs]");
  await page.check("input[name=q_client_type][value=child]");
  // Pasted with a zero-width space the person cannot see: refused, and said where.
  await page.fill("#cf-q_guardian_name", "Rosa\u200BPérez");
  await page.check("#cf-consent");
  await page.click("button[type=submit]");
  const summary = page.locator(".cf-error-summary");
  await summary.waitFor({ state: "visible", timeout: 15000 });
  assert.match(await summary.textContent(), /Hay un problema/);
  const link = summary.locator("a[href='#cf-q_guardian_name']");
  assert.match(await link.textContent(), /Nombre del padre, la madre o el tutor/);
  assert.equal(await page.inputValue("#cf-q_state"), "IL", "what was chosen is kept");
  await axeClean(page, "the hosted form with an error, in Spanish");

  await page.fill("#cf-q_guardian_name", "Rosa Pérez");
  await page.click("button[type=submit]");
  await page.locator("#cf-thanks").waitFor({ state: "visible", timeout: 15000 });
  const stored = state().requests.find((r) => r.email === `lucia.${run}@example.com`);
  assert.ok(stored, "stored");
  assert.equal(stored.language, "es");
  const answers = JSON.stringify(stored.answers);
  for (const shown of ["Illinois", "Blue Cross Blue Shield", "My child", "Rosa Pérez"]) {
    assert.ok(answers.includes(shown), `${shown} in ${answers}`);
  }
  illinois = stored;
  await context.close();

  const answer = await fetch(FUNCTION_URL, {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_URL },
    body: JSON.stringify({ name: "Walt Wisconsin", email: `walt.${run}@example.com`, consent: true,
      answers: { state: "WI" }, "cf-turnstile-response": "routing-test-token" }),
  });
  assert.equal(answer.status, 201, await answer.clone().text());
  wisconsin = (await answer.json()).id;
});

test("each request goes to the clinician licensed in its state, who sees only their own", async () => {
  const requests = state().requests;
  const members = admin("staff list");
  const idOf = (email) => members.split("\n").find((l) => l.includes(email)).split(/\s+/)[0];
  assert.equal(illinois.assignee, idOf(ADA), `${JSON.stringify(illinois)} ${members}`);
  assert.equal(requests.find((r) => r.id === wisconsin).assignee, idOf(BEN));

  const ada = await signedIn(inviteLink(ADA, "Ada Ruiz", "clinician"));
  const list = await ada.page.textContent("main");
  assert.match(list, /Lucía Pérez/);
  assert.doesNotMatch(list, /Walt Wisconsin/, "another clinician's request is not listed");
  await ada.page.click(`a[href$='/staff/requests/${illinois.id}']`);
  await ada.page.waitForURL(new RegExp(`/staff/requests/${illinois.id}$`));
  const main = await ada.page.textContent("main");
  assert.match(main, /Routing: matched 1 of 2: licensed in IL, takes Blue Cross Blue Shield, sees My child; fewest open/);
  assert.match(main, /Rosa Pérez/);
  await axeClean(ada.page, "a clinician's request page");
  const other = await ada.page.goto(`${CONSOLE_URL}/staff/requests/${wisconsin}`);
  assert.equal(other.status(), 404);
  await ada.context.close();
});

test("the front desk reassigns it, and the other clinician now has it", async () => {
  const desk = await signedIn(inviteLink(DESK, "Rita Desk", "front-desk"));
  await desk.page.goto(`${CONSOLE_URL}/staff/requests/${illinois.id}`);
  await axeClean(desk.page, "the front desk's request page with the assignment");
  const members = admin("staff list");
  const ben = members.split("\n").find((l) => l.includes(BEN)).split(/\s+/)[0];
  await desk.page.selectOption("#assign-to", ben);
  await Promise.all([desk.page.waitForLoadState("load"), desk.page.click("form[action$='/assign'] button[type=submit]")]);
  assert.match(await desk.page.textContent("#assignment + p"), /Assigned to Ben Okafor/);
  assert.match(await desk.page.textContent("main"), /Assigned to Ben Okafor/);
  const stored = state().requests.find((r) => r.id === illinois.id);
  assert.equal(stored.assignee, ben);
  const log = admin(`access-log --request ${illinois.id} --csv`);
  assert.match(log, /assignment_changed/);
  await desk.context.close();

  const benBrowser = await signedIn(inviteLink(BEN, "Ben Okafor", "clinician"));
  assert.match(await benBrowser.page.textContent("main"), /Lucía Pérez/);
  await benBrowser.context.close();
});
