/** The parent's side of the sink process (bench/sink.mjs). */
import { fileURLToPath } from "node:url";
import { forkIpcChild } from "./child-ipc.mjs";

const SINK = fileURLToPath(new URL("./sink.mjs", import.meta.url));

/**
 * @typedef {{
 *   name: string, ok: number, fail: number, hang: number, first: number, last: number,
 *   paths: {path: string, n: number, last: number}[],
 *   latency: {seq: number[], sent: number[], arrival: number[]} | null
 * }} SinkStats
 */

export async function startSink() {
  const child = await forkIpcChild(SINK);
  return {
    url: child.url,
    /** The same sink on another port: another origin. */
    otherUrl: /** @type {string} */ (child.urls[1]),
    pid: child.pid,
    /** Starts counting afresh; `latency` also records each /ok/ body's seq and sent_at. */
    phase: (/** @type {string} */ name, latency = false) => child.call("phase", { name, latency }),
    /**
     * Resolves when the phase has seen `count` /ok/ arrivals (or `timeoutMs` passed).
     * @returns {Promise<{reached: boolean, ok: number}>}
     */
    waitFor: (/** @type {number} */ count, /** @type {number} */ timeoutMs) =>
      child.call("wait", { count, timeoutMs }, timeoutMs + 10_000),
    /** @returns {Promise<SinkStats>} */
    stats: () => child.call("stats", {}, 60_000),
    stop: () => child.stop(),
  };
}

/** @typedef {Awaited<ReturnType<typeof startSink>>} Sink */
