/**
 * One clock for every process of a run. `process.hrtime` reads Linux's
 * CLOCK_MONOTONIC, which is the same clock in every process on the machine,
 * so a send time taken in the load generator and an arrival time taken in
 * the sink can be subtracted directly (sub-millisecond resolution, immune to
 * wall-clock steps). Date.now() would be 1 ms coarse; performance.now()
 * counts from each process's own start and is not comparable across them.
 */

/** Milliseconds on the machine's monotonic clock (fractional). */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
