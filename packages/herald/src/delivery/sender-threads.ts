/**
 * Sends deliveries on worker threads, so that signing, HTTP and reading
 * answers run beside the thread that answers the API, writes the store and
 * keeps the lanes. Why: with both on one event loop, the fan-out benchmark
 * (S1) had that thread busy 90 % of the time and the machine's second core
 * half idle; sending was about half of the thread's work per delivery.
 *
 * Each endpoint belongs to one thread (by a hash of its id), so its
 * connection pool lives there; the lanes, limits and breaker stay on the
 * engine's thread, which decides what is sent. A thread learns an
 * endpoint's fields (URL, scheme, sealed secrets) with its first send and
 * again when they change; it opens the secrets itself with the master key.
 *
 * If a thread dies, the sends it held end as failed attempts (retried on
 * schedule) and a new thread takes its place; one that dies within
 * `minLifeMs` of starting is not replaced (something is wrong with every
 * thread, not one), and sends continue on the engine's thread.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { AttemptResult } from "./attempt-handler.js";
import { Dispatcher, type DispatcherOptions } from "./dispatcher.js";
import type { Sender, SenderEndpoint } from "./sender.js";
import type { FromSender, SenderJob, SenderWorkerData, ToSender } from "./sender-protocol.js";

/**
 * A sender thread's heap. Its live objects are few (the requests in flight,
 * one pool per endpoint), but with V8's defaults for a machine with this
 * much memory its heap swung between 30 and 74 MB while draining the
 * backlog benchmark (S4), and the process peaked at 300–309 MB; with a
 * young generation of 8 MB and an old one capped at 512 MB (which also makes
 * V8 grow it less eagerly) it stays near 30 MB and the process at 271–280 MB,
 * with no measurable change in CPU per delivery. A thread that ever needs
 * more dies and is replaced like any other that dies.
 */
const SENDER_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 };

/** Endpoints whose fields a thread is told to keep; beyond it the oldest is forgotten (and sent again if needed). */
const MAX_KNOWN = 2000;

export interface SenderThreadsOptions extends DispatcherOptions {
  /** How many sender threads. At least 1. */
  threads: number;
  /** The master key the secret box was made with: each thread opens sealed secrets itself. */
  masterKey: Buffer;
  /** `HERALD_DNS_SERVERS`, for the threads' lookups. Default: the system resolver. */
  dnsServers?: string[] | null;
  logger: Logger;
  /** A thread that dies sooner than this after starting is not replaced. Default 5 000 ms. */
  minLifeMs?: number;
}

interface Pending {
  resolve: (r: AttemptResult) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  startedAt: number;
  outbox: SenderJob[];
  /** What this thread holds of each endpoint, oldest first. */
  known: Map<string, SenderEndpoint>;
  pending: Map<number, Pending>;
  exited: boolean;
}

export class SenderThreads implements Sender {
  readonly #o: SenderThreadsOptions;
  readonly #threads: Thread[] = [];
  #next = 0;
  #scheduled = false;
  #closing = false;
  /** Set when a thread died young: every later send goes on this thread. */
  #fallback: Dispatcher | null = null;

  constructor(o: SenderThreadsOptions) {
    if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error("SenderThreads needs at least one thread.");
    this.#o = o;
    for (let i = 0; i < o.threads; i++) this.#threads.push(this.#spawn());
  }

  /** The threads' Worker objects (for tests and diagnostics). */
  get workers(): readonly Worker[] {
    return this.#threads.map((t) => t.worker);
  }

  send(endpoint: SenderEndpoint, eventId: string, body: string, now: number): Promise<AttemptResult> {
    if (this.#fallback !== null) return this.#fallback.send(endpoint, eventId, body, now);
    if (this.#closing) return Promise.reject(new Error("the sender threads are closed"));
    const t = this.#threads[route(endpoint.id, this.#threads.length)] as Thread;
    const n = ++this.#next;
    const job: SenderJob = { n, endpointId: endpoint.id, eventId, body, now };
    if (!sameFields(t.known.get(endpoint.id), endpoint)) {
      const fields = senderFields(endpoint);
      job.endpoint = fields;
      t.known.delete(endpoint.id);
      t.known.set(endpoint.id, fields);
    }
    t.outbox.push(job);
    if (t.known.size > MAX_KNOWN) {
      const oldest = t.known.keys().next().value as string;
      t.known.delete(oldest);
      t.outbox.push({ forget: oldest });
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Every send the lanes start in this turn goes in one message.
      queueMicrotask(() => this.#flush());
    }
    return new Promise<AttemptResult>((resolve, reject) => t.pending.set(n, { resolve, reject }));
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await Promise.all(
      this.#threads
        .filter((t) => !t.exited)
        .map(
          (t) =>
            new Promise<void>((resolve) => {
              t.worker.once("exit", () => resolve());
              t.worker.postMessage({ close: true } satisfies ToSender);
              // Its requests end within their deadline; a thread still there
              // after that (stuck) is stopped rather than holding up shutdown.
              setTimeout(() => void t.worker.terminate(), this.#o.timeoutMs + 1000).unref();
            }),
        ),
    );
    await this.#fallback?.close();
  }

  #flush(): void {
    this.#scheduled = false;
    for (const t of this.#threads) {
      if (t.outbox.length === 0) continue;
      const message: ToSender = { jobs: t.outbox };
      t.outbox = [];
      t.worker.postMessage(message);
    }
  }

  #spawn(): Thread {
    const data: SenderWorkerData = {
      masterKey: new Uint8Array(this.#o.masterKey),
      timeoutMs: this.#o.timeoutMs,
      allowPrivateTargets: this.#o.allowPrivateTargets,
      version: this.#o.version,
      dnsServers: this.#o.dnsServers ?? null,
    };
    const worker = new Worker(new URL("./sender-worker.js", import.meta.url), {
      workerData: data,
      resourceLimits: SENDER_HEAP,
    });
    // The server keeps the process alive; a forgotten engine in a test must not.
    worker.unref();
    const t: Thread = {
      worker,
      startedAt: performance.now(),
      outbox: [],
      known: new Map(),
      pending: new Map(),
      exited: false,
    };
    worker.on("message", (m: FromSender) => {
      for (const [n, result, error] of m.results) {
        const p = t.pending.get(n);
        if (p === undefined) continue;
        t.pending.delete(n);
        if (result !== null) p.resolve(result);
        else p.reject(new Error(error));
      }
    });
    worker.on("error", (err) => this.#o.logger.error({ err }, "sender thread failed"));
    worker.on("exit", (code) => this.#exited(t, code));
    return t;
  }

  #exited(t: Thread, code: number): void {
    t.exited = true;
    const lost = [...t.pending.values()];
    t.pending.clear();
    for (const p of lost) p.reject(new Error(`the sender thread exited (code ${code}) during the attempt`));
    if (this.#closing) return;
    const young = performance.now() - t.startedAt < (this.#o.minLifeMs ?? 5000);
    this.#o.logger.error(
      { code, attempts_lost: lost.length },
      young ? "sender thread died young: sending on the main thread from now on" : "sender thread died: replaced",
    );
    if (young) {
      this.#fallback ??= new Dispatcher(this.#o);
      return;
    }
    const i = this.#threads.indexOf(t);
    if (i >= 0) this.#threads[i] = this.#spawn();
  }
}

/** The endpoint's thread: FNV-1a of its id, so one endpoint's sends share one pool. */
function route(id: string, threads: number): number {
  if (threads === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % threads;
}

function senderFields(e: SenderEndpoint): SenderEndpoint {
  return {
    id: e.id,
    url: e.url,
    mode: e.mode,
    signatureScheme: e.signatureScheme,
    signatureHeader: e.signatureHeader,
    timestampHeader: e.timestampHeader,
    secrets: e.secrets,
  };
}

function sameFields(known: SenderEndpoint | undefined, e: SenderEndpoint): boolean {
  if (known === undefined) return false;
  if (
    known.url !== e.url ||
    known.mode !== e.mode ||
    known.signatureScheme !== e.signatureScheme ||
    known.signatureHeader !== e.signatureHeader ||
    known.timestampHeader !== e.timestampHeader
  )
    return false;
  if (known.secrets === e.secrets) return true;
  if (known.secrets.length !== e.secrets.length) return false;
  return known.secrets.every(
    (s, i) => s.ciphertext === e.secrets[i]?.ciphertext && s.expiresAt === e.secrets[i]?.expiresAt,
  );
}
