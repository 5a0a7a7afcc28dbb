/**
 * The dashboard's health figures, request headers and paging in a real
 * browser, against a real in-process Herald delivering to a real loopback
 * receiver: the list's last delivery and 24 h success rate, the chart from
 * the stats route, the drawer's signed request, older pages of deliveries
 * and events with the filter kept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { launch, NO_BROWSER, screenshotDir } from "./browser.js";

/** One more than a page (25), so the oldest deliveries and events sit on page 2. */
const SUCCEEDING = 29;

describe("dashboard health and paging in a browser", { skip: NO_BROWSER }, () => {
  let h: LiveHerald;
  let acct: { id: string; testKey: string; liveKey: string };
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;
  let endpointUrl = "";
  let failedEventId = "";
  const consoleErrors: string[] = [];
  const shots = screenshotDir();
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const row = (text: string) => page.getByRole("row").filter({ hasText: text });
  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name });

  before(async () => {
    h = await startHerald({ retrySchedule: "200ms,200ms", deliveryTimeout: "2000" });
    acct = await h.account("Acme Health");
    // payment.failed events fail every attempt; everything else is accepted.
    receiver = await startReceiver((_n, req) =>
      req.body.includes('"payment.failed"') ? status(500, { "x-receiver": "flaky" }, "nope") : ok("thanks"),
    );
    endpointUrl = `${receiver.url}/orders`;
    const ep = await h.api(
      "POST",
      "/v1/webhooks",
      { url: endpointUrl, enabled_events: ["payment.*"], description: "Orders" },
      acct.testKey,
    );
    assert.equal(ep.status, 201);
    failedEventId = (await h.api("POST", "/v1/events", { type: "payment.failed", data: { object: {} } }, acct.testKey))
      .body.id;
    for (let i = 0; i < SUCCEEDING; i++) {
      await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: { n: i } } }, acct.testKey);
    }
    await receiver.waitFor(SUCCEEDING + 3, 20_000);

    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, { mode: "test" });
    await page.goto(link.body.url);
    await page.getByRole("heading", { name: "Endpoints" }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await h?.stop();
  });

  test("the endpoints list shows the last delivery and the 24 h success rate", async () => {
    const r = row(endpointUrl);
    await r.waitFor();
    // 29 succeeded of 30 finished: 96.7 %
    await r
      .getByRole("cell")
      .filter({ hasText: "96.7%" })
      .getByText(`${SUCCEEDING} of ${SUCCEEDING + 1}`)
      .waitFor();
    const last = r.getByRole("cell").nth(4);
    await last.getByText("succeeded").waitFor();
    assert.match((await last.textContent()) ?? "", /\d/, "the last delivery shows its time");
    const headers = await page.getByRole("columnheader").allTextContents();
    assert.ok(headers.includes("Last delivery") && headers.includes("Success rate (24 h)"), headers.join("|"));
    await shot("endpoints-health");
  });

  test("the endpoint page's chart comes from the stats: every attempt of the last 24 hours", async () => {
    await row(endpointUrl).getByRole("button", { name: endpointUrl }).click();
    await page.getByRole("heading", { name: endpointUrl }).waitFor();
    // 29 first attempts succeeded, 3 attempts of the failing delivery did not: 29 / 32 = 91 %
    await page
      .getByRole("img", { name: /^Last 24 hours: 91% of 32 attempts succeeded, mean latency \d+ ms$/ })
      .waitFor();
  });

  test("paging: the next page holds the older deliveries, Previous comes back, by keyboard too", async () => {
    const table = page.getByRole("table");
    const pager = page.getByRole("navigation", { name: "Deliveries pages" });
    await pager.getByText("Page 1").waitFor();
    assert.equal(await table.getByRole("row").count(), 26, "a header and 25 deliveries");
    assert.equal(await row("payment.failed").count(), 0, "the oldest delivery is not on the first page");
    await shot("endpoint-page-paged");

    await pager.getByRole("button", { name: "Next page →" }).focus();
    await page.keyboard.press("Enter");
    await pager.getByText("Page 2").waitFor();
    await row("payment.failed").waitFor();
    assert.equal(await table.getByRole("row").count(), 1 + SUCCEEDING + 1 - 25);
    assert.equal(await pager.getByRole("button", { name: "Next page →" }).getAttribute("aria-disabled"), "true");

    // the status filter applies to every page and starts again from the first
    await page.getByLabel("Status").selectOption("succeeded");
    await pager.getByText("Page 1").waitFor();
    await pager.getByRole("button", { name: "Next page →" }).click();
    await pager.getByText("Page 2").waitFor();
    assert.equal(await table.getByRole("row").count(), 1 + SUCCEEDING - 25);
    assert.equal(await row("payment.failed").count(), 0);
    await page.getByLabel("Status").selectOption("");
    await pager.getByText("Page 1").waitFor();
    await pager.getByRole("button", { name: "Next page →" }).click();
    await row("payment.failed").waitFor();
  });

  test("the drawer shows the request headers Herald signed with, the body, and each attempt's response headers", async () => {
    const failed = row("payment.failed");
    await failed.getByRole("button", { name: /^Details/ }).click();
    const drawer = page.getByRole("dialog", { name: /^Delivery dlv_/ });
    const request = drawer.getByRole("definition").first();
    await request.waitFor();
    const sent = drawer.getByLabel("Request headers", { exact: true });
    const names = await sent.getByRole("term").allTextContents();
    for (const name of ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"]) {
      assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    }
    // The newest attempt's signature is the one the receiver got last for this event.
    const lastReceived = receiver.received.filter((r) => r.headers["webhook-id"] === failedEventId).at(-1);
    assert.ok(lastReceived);
    const signature = lastReceived.headers["webhook-signature"] as string;
    assert.match(signature, /^v1,/);
    await sent.getByText(signature, { exact: true }).waitFor();
    assert.equal(await drawer.getByText(/whsec_/).count(), 0, "never the secret");
    await drawer.getByText('"type": "payment.failed"').waitFor();
    assert.equal(await drawer.getByRole("listitem").count(), 3);
    const responses = drawer.getByText("Response headers");
    assert.equal(await responses.count(), 3);
    await responses.first().click();
    await drawer
      .getByLabel(/^Response headers of att_/)
      .first()
      .getByText("flaky")
      .waitFor();
    await shot("delivery-drawer-request");
    await page.keyboard.press("Escape");
  });

  test("events page: pages keep the type filter", async () => {
    await nav("Events").click();
    await page.getByRole("heading", { name: "Events" }).waitFor();
    const pager = page.getByRole("navigation", { name: "Events pages" });
    const events = page.getByRole("listitem").filter({ hasText: /payment\./ });
    await pager.getByRole("button", { name: "Next page →" }).click();
    await pager.getByText("Page 2").waitFor();
    await page.getByRole("listitem").filter({ hasText: failedEventId }).waitFor();
    assert.equal(await events.count(), SUCCEEDING + 1 - 25);
    await pager.getByRole("button", { name: "← Previous page" }).click();
    await pager.getByText("Page 1").waitFor();
    assert.equal(await events.count(), 25);

    await page.getByLabel("Event type").fill("payment.succeeded");
    await page.getByRole("button", { name: "Filter" }).click();
    await pager.getByText("Page 1").waitFor();
    await pager.getByRole("button", { name: "Next page →" }).click();
    await pager.getByText("Page 2").waitFor();
    await page.waitForFunction(
      (n) => (globalThis as any).document.querySelectorAll("ul.events > li").length === n,
      SUCCEEDING - 25,
    );
    assert.equal(await page.getByRole("listitem").filter({ hasText: "payment.failed" }).count(), 0);
  });

  test("no console errors", () => {
    assert.deepEqual(consoleErrors, []);
  });
});
