/** Percentiles by nearest rank on a sorted copy. */

/**
 * @param {number[]} values
 * @returns {{count: number, p50: number, p90: number, p99: number, max: number, mean: number} | null}
 */
export function summarize(values) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sum / sorted.length),
  };
}

/** @param {number} v  three decimals: microseconds when v is in ms */
export function round(v, digits = 3) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
