/** Memory of a process from /proc (Linux): VmHWM is its peak resident set, VmRSS the current one. */
import { readFileSync } from "node:fs";

/** @param {number} pid @returns {{hwmMB: number, rssMB: number} | null} */
export function readMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const kb = (/** @type {string} */ field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  return { hwmMB: kb("VmHWM") / 1024, rssMB: kb("VmRSS") / 1024 };
}

/**
 * Samples VmRSS of `pids` every `everyMs` until stopped; `peak()` reads
 * VmHWM too (call it before the processes exit: /proc forgets them).
 * @param {number[]} pids
 */
export function sampleMemory(pids, everyMs = 250) {
  /** @type {Map<number, number>} */
  const maxRss = new Map();
  let maxSum = 0;
  const tick = () => {
    let sum = 0;
    for (const pid of pids) {
      const m = readMemory(pid);
      if (m === null) continue;
      sum += m.rssMB;
      maxRss.set(pid, Math.max(maxRss.get(pid) ?? 0, m.rssMB));
    }
    maxSum = Math.max(maxSum, sum);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    /** Stops sampling and returns the peaks in MB: per process (VmHWM) and the largest sampled sum. */
    peak() {
      tick();
      clearInterval(timer);
      const perProcess = pids.map((pid) => {
        const m = readMemory(pid);
        return { pid, hwmMB: m?.hwmMB ?? maxRss.get(pid) ?? 0, sampledMaxMB: maxRss.get(pid) ?? 0 };
      });
      return {
        maxProcessMB: Math.max(0, ...perProcess.map((p) => p.hwmMB)),
        sampledSumMB: maxSum,
        perProcess,
      };
    },
  };
}
