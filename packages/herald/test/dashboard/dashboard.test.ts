/**
 * The dashboard in a real browser against a real in-process Herald and real
 * loopback receivers. Elements are found by role and accessible name: the
 * visible names are the contract of issue #6.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { launch, NO_BROWSER, screenshotDir } from "./browser.js";

const XSS = `<img src=x onerror="window.__pwned=1">`;

describe("dashboard in a browser", { skip: NO_BROWSER }, () => {
  let h: LiveHerald;
  let acct: { id: string; testKey: string; liveKey: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let good: Receiver;
  let bad: Receiver;
  const consoleErrors: string[] = [];
  const shots = screenshotDir();
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  before(async () => {
    h = await startHerald({ retrySchedule: "300ms,300ms", deliveryTimeout: "2000" });
    acct = await h.account("Acme Payments");
    good = await startReceiver(() => ok("thanks"));
    bad = await startReceiver(() => status(500, undefined, XSS));
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
  });
  after(async () => {
    await browser?.close();
    await good?.close();
    await bad?.close();
    await h?.stop();
  });

  const row = (text: string) => page.getByRole("row").filter({ hasText: text });
  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name });
  const dialog = (name: string) => page.getByRole("dialog", { name });
  const goodUrl = () => `${good.url}/hooks`;
  let firstSecret = "";

  test("signs in with a one-time link; the link is refused the second time", async () => {
    const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, { mode: "test" });
    await page.goto(link.body.url);
    await page.getByRole("heading", { name: "Endpoints" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/dashboard/");
    await page.getByText("No endpoints yet").waitFor();
    assert.equal(await page.getByRole("switch", { name: "Test mode" }).isChecked(), true);
    await shot("empty-state");
    const again = await context.newPage();
    const res = await again.goto(link.body.url);
    assert.equal(res?.status(), 410);
    await again.close();
  });

  test("creates an endpoint with events from both sections and shows the secret once", async () => {
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const panel = dialog("Add endpoint");
    await panel.getByLabel("Endpoint URL").fill(goodUrl());
    await panel.getByLabel("Description").fill("Order service");
    const recommended = panel.getByRole("group", { name: "Recommended" });
    await recommended.getByRole("checkbox", { name: "payment.succeeded" }).check();
    const advanced = panel.getByRole("group", { name: "Advanced" });
    await advanced.getByRole("checkbox", { name: "Select all Refunds" }).check();
    await advanced.getByRole("checkbox", { name: "payment.requested" }).check();
    await panel.getByLabel("Signature scheme").selectOption("stripe");
    await shot("add-endpoint");
    await panel.getByRole("button", { name: "Add endpoint" }).click();
    const secretDialog = dialog("Endpoint secret");
    await secretDialog.waitFor();
    firstSecret = (await secretDialog.locator("code").textContent()) ?? "";
    assert.match(firstSecret, /^whsec_/);
    await secretDialog.getByRole("button", { name: "Copy secret" }).waitFor();
    await secretDialog.getByText("shown only once").waitFor();
    await secretDialog.getByRole("button", { name: "Done" }).click();
    await row(goodUrl()).waitFor();
    assert.equal(await page.getByText(firstSecret).count(), 0, "the secret is not shown again");
    const list = await h.api("GET", "/v1/webhooks", undefined, acct.testKey);
    const ep = list.body.data[0];
    assert.equal(ep.signature_scheme, "stripe");
    assert.deepEqual(
      [...ep.enabled_events].sort(),
      ["payment.requested", "payment.succeeded", "refund.created", "refund.failed", "refund.updated"].sort(),
    );
    await row(goodUrl()).getByText("Enabled").waitFor();
  });

  test("is keyboard usable: the panel opens with Enter, Escape closes it and focus returns", async () => {
    const add = page.getByRole("button", { name: "Add endpoint" });
    await add.focus();
    await page.keyboard.press("Enter");
    const panel = dialog("Add endpoint");
    await panel.waitFor();
    assert.equal(
      await panel.getByLabel("Endpoint URL").evaluate((el) => el === (el.ownerDocument as any).activeElement),
      true,
    );
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.equal(await add.evaluate((el) => el === (el.ownerDocument as any).activeElement), true);
  });

  test("an endpoint needs at least one event", async () => {
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const panel = dialog("Add endpoint");
    await panel.getByLabel("Endpoint URL").fill(`${good.url}/none`);
    await panel.getByRole("button", { name: "Add endpoint" }).click();
    await panel.getByRole("alert").getByText("at least one event").waitFor();
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
  });

  test("sends a test event to a real receiver and shows the delivery", async () => {
    await row(goodUrl()).getByRole("button", { name: "Send test event" }).click();
    await page.getByRole("status").getByText("Test event sent.").waitFor();
    await good.waitFor(1);
    await row(goodUrl()).getByRole("button", { name: goodUrl() }).click();
    await page.getByRole("heading", { name: goodUrl() }).waitFor();
    await page.getByRole("row").filter({ hasText: "succeeded" }).filter({ hasText: "200" }).waitFor();
    await page
      .getByRole("img", { name: /^Last 24 hours: 100% of 1 attempt succeeded, mean latency \d+ ms$/ })
      .waitFor();
    await shot("endpoint-deliveries");
  });

  test("a failing receiver shows its attempts and status; its body is shown as text; resend and recover", async () => {
    const ep = await h.api(
      "POST",
      "/v1/webhooks",
      { url: `${bad.url}/fail`, enabled_events: ["payment.failed"], description: "Flaky" },
      acct.testKey,
    );
    await h.api("POST", "/v1/events", { type: "payment.failed", data: { object: { id: "pay_1" } } }, acct.testKey);
    await bad.waitFor(3);
    await nav("Endpoints").click();
    await row(`${bad.url}/fail`)
      .getByRole("button", { name: `${bad.url}/fail` })
      .click();
    const failed = page.getByRole("row").filter({ hasText: "failed" }).filter({ hasText: "3 of 3" });
    await failed.waitFor();
    await failed.getByText("500").waitFor();
    await failed.getByRole("button", { name: /^Details/ }).click();
    const drawer = page.getByRole("dialog", { name: /^Delivery dlv_/ });
    await drawer.getByRole("heading", { name: "Request body" }).waitFor();
    await drawer.getByText('"type": "payment.failed"').waitFor();
    assert.equal(await drawer.getByRole("listitem").count(), 3);
    await drawer.getByText(XSS).first().waitFor();
    assert.equal(await drawer.locator("img").count(), 0, "the response body is text, not HTML");
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    await shot("delivery-drawer");
    await page.keyboard.press("Escape");

    await failed.getByRole("button", { name: "Resend" }).click();
    await bad.waitFor(4);
    await page.getByRole("row").filter({ hasText: "4 of" }).waitFor();

    await page.getByLabel("Recover failed deliveries since…").fill("2020-01-01T00:00");
    await page.getByRole("button", { name: "Recover" }).click();
    await page
      .getByRole("status")
      .getByText(/queued again/)
      .waitFor();
    assert.ok(ep.body.id);
  });

  test("filters deliveries by status", async () => {
    await page.getByLabel("Status").selectOption("succeeded");
    await page.getByText("No deliveries.").waitFor();
    await page.getByLabel("Status").selectOption("");
  });

  test("a disabled endpoint gets nothing; enable again", async () => {
    await nav("Endpoints").click();
    const r = row(goodUrl());
    await r.getByRole("button", { name: "Disable webhook" }).click();
    await r.getByText("Disabled").waitFor();
    await r.getByText("(manual)").waitFor();
    const before = good.received.length;
    await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: { id: "pay_2" } } }, acct.testKey);
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(good.received.length, before);
    await r.getByRole("button", { name: "Enable webhook" }).click();
    await r.getByText("Enabled").waitFor();
  });

  test("rotates the secret (old one expires now)", async () => {
    await row(goodUrl()).getByRole("button", { name: "Rotate secret" }).click();
    const d = dialog("Rotate secret");
    await d.getByLabel("Old secret expires").selectOption("0");
    await d.getByRole("button", { name: "Rotate" }).click();
    const secretDialog = dialog("Endpoint secret");
    const next = (await secretDialog.locator("code").textContent()) ?? "";
    assert.match(next, /^whsec_/);
    assert.notEqual(next, firstSecret);
    await secretDialog.getByRole("button", { name: "Done" }).click();
  });

  test("edits an endpoint", async () => {
    await row(goodUrl()).getByRole("button", { name: "Edit webhook" }).click();
    const panel = dialog("Edit endpoint");
    await panel.getByLabel("Description").fill("Orders v2");
    await panel.getByRole("button", { name: "Save changes" }).click();
    await row(goodUrl()).getByText("Orders v2").waitFor();
    await shot("endpoints");
  });

  test("events page: filter by type and see each event's deliveries", async () => {
    await nav("Events").click();
    await page.getByRole("heading", { name: "Events" }).waitFor();
    await page.getByLabel("Event type").fill("payment.failed");
    await page.getByRole("button", { name: "Filter" }).click();
    const item = page.getByRole("listitem").filter({ hasText: "payment.failed" }).first();
    await item.getByRole("button", { name: "Show deliveries" }).click();
    await item.getByRole("row").filter({ hasText: "failed" }).first().waitFor();
    await page.getByRole("listitem").filter({ hasText: "payment.succeeded" }).first().waitFor({ state: "detached" });
    await shot("events");
  });

  test("switching to live mode changes the lists", async () => {
    await h.api("POST", "/v1/webhooks", { url: "https://example.com/live-hook", enabled_events: ["*"] }, acct.liveKey);
    await nav("Endpoints").click();
    await row(goodUrl()).waitFor();
    await page.getByText("Test mode: you are viewing test data").waitFor();
    await page.getByRole("switch", { name: "Test mode" }).click();
    await row("https://example.com/live-hook").waitFor();
    await row(goodUrl()).waitFor({ state: "detached" });
    assert.equal(await page.getByText("Test mode: you are viewing test data").count(), 0);
    await shot("live-mode");
    await page.getByRole("switch", { name: "Test mode" }).click();
    await row(goodUrl()).waitFor();
    await row("https://example.com/live-hook").waitFor({ state: "detached" });
  });

  test("deletes an endpoint after typing its URL", async () => {
    await row(goodUrl()).getByRole("button", { name: "Delete webhook" }).click();
    const d = dialog("Delete webhook");
    const confirm = d.getByRole("button", { name: "Delete webhook" });
    assert.equal(await confirm.isDisabled(), true);
    await d.getByLabel("Type the endpoint URL to confirm").fill(goodUrl());
    await confirm.click();
    await page.getByRole("status").getByText("Endpoint deleted.").waitFor();
    await row(goodUrl()).waitFor({ state: "detached" });
  });

  test("is readable on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Add endpoint" }).waitFor();
    const overflow = await page.evaluate(() => {
      const g = globalThis as any;
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
    await shot("phone");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test("no console errors so far", () => {
    assert.deepEqual(consoleErrors, []);
  });

  test("the browser's cookie without the CSRF header is refused (403)", async () => {
    const statusCode = await page.evaluate(async () => {
      const res = await fetch("/v1/webhooks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ url: "https://example.com/csrf", enabled_events: ["*"] }),
      });
      return res.status;
    });
    assert.equal(statusCode, 403);
  });

  test("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Herald" }).waitFor();
    await page.getByLabel("Secret key").fill(acct.testKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Endpoints" }).waitFor();
  });
});
