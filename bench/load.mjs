/**
 * The load: `POST /v1/events` from undici, closed-loop (N clients, each
 * sending its next event when the previous answer came) or open-loop (sends
 * on a fixed schedule whatever the answers do, so a slow server cannot slow
 * the load down and hide its own latency). Bounded in count and in time.
 */
import { Pool } from "undici";
import { nowMs, sleep } from "./clock.mjs";
import { eventRequestBody } from "./event-body.mjs";

/**
 * @param {string} url
 * @param {number} connections
 */
function pool(url, connections) {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/**
 * @param {Pool} p
 * @param {string} path
 * @param {string} key
 * @param {string} body
 */
async function post(p, path, key, body) {
  const res = await p.request({
    path,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

/**
 * `count` events from `clients` concurrent clients (one connection each).
 * @param {{url: string, key: string, count: number, clients: number, path?: string, deadlineMs?: number, seqBase?: number}} o
 */
export async function closedLoop(o) {
  const p = pool(o.url, o.clients);
  const path = o.path ?? "/v1/events";
  const deadline = nowMs() + (o.deadlineMs ?? 600_000);
  let next = 0;
  let accepted = 0;
  let firstAccept = 0;
  let lastAccept = 0;
  let failed = 0;
  /** @type {string | null} */
  let firstError = null;
  const started = nowMs();
  const client = async () => {
    while (next < o.count && nowMs() < deadline) {
      const seq = (o.seqBase ?? 0) + next++;
      try {
        const res = await post(p, path, o.key, eventRequestBody(seq, nowMs()));
        if (res.status === 202) {
          const t = nowMs();
          if (accepted === 0) firstAccept = t;
          accepted++;
          lastAccept = t;
        } else {
          failed++;
          firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
        }
      } catch (err) {
        failed++;
        firstError ??= String(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    await p.close();
  }
  const ended = nowMs();
  return {
    sent: next,
    accepted,
    failed,
    firstError,
    started,
    firstAccept,
    lastAccept,
    seconds: (ended - started) / 1000,
    rate: accepted / ((ended - started) / 1000),
  };
}

/**
 * `rate` events per second for `seconds`, each sent at its scheduled time
 * (start + i / rate) on a pool of 64 connections, without waiting for earlier
 * answers. Records per event: send time (also in its body) and 202 time.
 * @param {{url: string, key: string, rate: number, seconds: number, seqBase?: number}} o
 */
export async function openLoop(o) {
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const p = pool(o.url, 64);
  const sentAt = new Float64Array(total);
  const acceptedAt = new Float64Array(total).fill(Number.NaN);
  const base = o.seqBase ?? 0;
  let failed = 0;
  /** @type {string | null} */
  let firstError = null;
  let maxLag = 0;
  /** @type {Promise<void>[]} */
  const inflight = [];
  const send = (/** @type {number} */ i) => {
    const t = nowMs();
    sentAt[i] = t;
    return post(p, "/v1/events", o.key, eventRequestBody(base + i, t)).then(
      (res) => {
        if (res.status === 202) acceptedAt[i] = nowMs();
        else {
          failed++;
          firstError ??= `${res.status} ${res.text.slice(0, 200)}`;
        }
      },
      (err) => {
        failed++;
        firstError ??= String(err);
      },
    );
  };
  const t0 = nowMs() + 5;
  let i = 0;
  try {
    while (i < total) {
      const now = nowMs();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (i < due) {
        maxLag = Math.max(maxLag, nowMs() - (t0 + i * interval));
        inflight.push(send(i++));
      }
      if (i < total) await sleep(t0 + i * interval - nowMs());
    }
    // Answers are bounded by undici's own timeouts (headers/body 300 s); the pool closes after them.
    await Promise.all(inflight);
  } finally {
    await p.close();
  }
  return { total, sentAt, acceptedAt, failed, firstError, maxLagMs: maxLag, seqBase: base };
}
