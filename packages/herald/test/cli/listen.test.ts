/**
 * `herald listen` as a user runs it: the real binary against a real server,
 * forwarding to a real loopback receiver that checks every signature with
 * the secret the command printed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { verify } from "@herald/webhooks";
import { Webhook } from "standardwebhooks";
import { type CliProcess, spawnCli } from "../helpers/cli.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";

interface Hit {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on a fixed port, so it can go down and come back where `listen` forwards. */
class PortReceiver {
  readonly hits: Hit[] = [];
  #server: Server | null = null;

  constructor(readonly port: number) {}

  static async onFreePort(): Promise<PortReceiver> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const receiver = new PortReceiver(port);
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        this.hits.push({ headers: req.headers, body });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  waitFor(count: number, timeoutMs = 20_000): Promise<Hit[]> {
    return eventually(async () => this.hits.length >= count && this.hits, timeoutMs, `${count} forwarded events`);
  }
}

const READY = /^Ready! Your webhook signing secret is (whsec_\S+)$/;

describe("herald listen", () => {
  let h: LiveHerald;
  let key: string;
  let receiver: PortReceiver;
  let stateFile: string;
  let listen: CliProcess;
  let secret: string;
  const running: CliProcess[] = [];

  const start = (extra: string[] = [], file = stateFile, to = receiver.url): CliProcess => {
    const child = spawnCli([
      "listen",
      "--forward-to",
      to,
      "--api-key",
      key,
      "--url",
      h.url,
      "--state-file",
      file,
      ...extra,
    ]);
    running.push(child);
    return child;
  };
  const emit = async (type: string): Promise<string> => {
    const res = await h.api("POST", "/v1/events", { type, data: { object: { id: "obj_1" } } }, key);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  };
  /** Every hit verifies with the printed secret (our SDK and the standardwebhooks package). */
  const assertSigned = (hits: Hit[]) => {
    for (const hit of hits) {
      const event = verify(hit.body, hit.headers, secret);
      assert.equal(hit.headers["webhook-id"], event.id);
      assert.equal(hit.headers["content-type"], "application/json");
      assert.deepEqual(new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>), event);
    }
  };
  const ids = (hits: Hit[]) => hits.map((hit) => JSON.parse(hit.body).id as string);

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
    receiver = await PortReceiver.onFreePort();
    stateFile = join(mkdtempSync(join(tmpdir(), "herald-listen-")), "state.json");
  });
  after(async () => {
    for (const child of running) if (child.child.exitCode === null) child.child.kill("SIGKILL");
    await receiver.down();
    await h.stop();
  });

  test("forwards events triggered while it runs, signed with the secret it printed", async () => {
    listen = start();
    secret = (await listen.waitForLine(READY))[1] as string;
    const emitted = [await emit("payment.succeeded"), await emit("refund.created"), await emit("customer.created")];
    const hits = await receiver.waitFor(3);
    assert.deepEqual(ids(hits), emitted, "in the order they were emitted");
    assertSigned(hits);
    await listen.waitForLine(new RegExp(`^<-- \\[200\\] POST ${receiver.url} \\[${emitted[2]}\\]$`));
    assert.ok(listen.lines.includes(`--> payment.succeeded [${emitted[0]}]`), listen.lines.join("\n"));
  });

  test("keeps every event while the local handler is down and sends them, in order, when it is back", async () => {
    await receiver.down();
    const before = receiver.hits.length;
    const emitted = [await emit("payment.failed"), await emit("refund.failed"), await emit("charge.succeeded")];
    await listen.waitForLines(/^<-- \[ERR\] .*retrying in/, 2);
    await receiver.up();
    const hits = (await receiver.waitFor(before + 3)).slice(before);
    assert.deepEqual(ids(hits), emitted);
    assertSigned(hits);
  });

  test("killed and restarted with the same state, it resumes after the last event it forwarded", async () => {
    listen.child.kill("SIGKILL");
    await listen.exited;
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    assert.equal(saved.secret, secret);
    assert.equal(saved.cursor, ids(receiver.hits).at(-1));

    const before = receiver.hits.length;
    const whileDown = [await emit("payment.pending"), await emit("paywall.created")];
    listen = start();
    assert.equal((await listen.waitForLine(READY))[1], secret, "the same secret after a restart");
    await listen.waitForLine(new RegExp(`^Resuming after ${saved.cursor}`));
    const hits = (await receiver.waitFor(before + 2)).slice(before);
    assert.deepEqual(ids(hits), whileDown);
    assertSigned(hits);
  });

  test("exits with code 0 on SIGINT and remembers where it stopped", async () => {
    const last = await emit("service.created");
    await listen.waitForLine(new RegExp(`^<-- \\[200\\] .*\\[${last}\\]$`));
    listen.child.kill("SIGINT");
    assert.equal(await listen.exited, 0);
    await listen.waitForLine(/^Stopped\./);
    assert.equal(JSON.parse(readFileSync(stateFile, "utf8")).cursor, last);
  });

  test("--events forwards only the types asked for; --after now skips the backlog", async () => {
    const backlog = await emit("payment.succeeded"); // while no listen runs: resuming would send it
    const other = await PortReceiver.onFreePort();
    const filtered = start(["--events", "payment.*,refund.created", "--after", "now"], stateFile, other.url);
    assert.equal((await filtered.waitForLine(READY))[1], secret);
    const wanted = [await emit("payment.succeeded"), await emit("refund.created")];
    await emit("customer.deleted");
    const last = await emit("payment.expired");
    await filtered.waitForLine(new RegExp(`\\[${last}\\]$`));
    const hits = await other.waitFor(3);
    assert.deepEqual(ids(hits), [...wanted, last]);
    assert.ok(!ids(hits).includes(backlog));
    assertSigned(hits);
    filtered.child.kill("SIGINT");
    assert.equal(await filtered.exited, 0);
    await other.down();
  });

  test("a live key is refused with the API's message and a non-zero exit", async () => {
    const acct = await h.account("Live");
    const child = spawnCli(["listen", "--forward-to", receiver.url, "--api-key", acct.liveKey, "--url", h.url]);
    assert.equal(await child.exited, 1);
    assert.match(child.stderr(), /test_mode_only, HTTP 403/);
  });
});
