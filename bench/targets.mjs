/**
 * The targets of issue #4, judged on a run's results: PASS/FAIL per line and,
 * for a FAIL, by how much the figure misses.
 */

/**
 * @typedef {{
 *   scenario: string, name: string, value: number | null, unit: string,
 *   op: ">=" | "<=", target: number | null, pass: boolean | null, miss: string, note: string
 * }} TargetLine
 */

/**
 * @param {Record<string, any>} results
 * @param {"sqlite" | "postgres"} backend
 * @returns {TargetLine[]}
 */
export function evaluateTargets(results, backend) {
  const pg = backend === "postgres";
  /** @type {TargetLine[]} */
  const lines = [];
  /**
   * @param {string} scenario
   * @param {string} name
   * @param {(r: any) => number | null | undefined} value
   * @param {">=" | "<="} op
   * @param {number | ((r: any) => number | null | undefined)} target
   * @param {string} unit
   * @param {(r: any) => boolean | undefined} [complete] whether the figure's run delivered everything it sent
   */
  const line = (scenario, name, value, op, target, unit, complete = (r) => r.complete) => {
    const r = results[scenario];
    if (r === undefined) return;
    if (r.error !== undefined) {
      lines.push({
        scenario,
        name,
        value: null,
        unit,
        op,
        target: null,
        pass: false,
        miss: "",
        note: "did not finish",
      });
      return;
    }
    const v = value(r) ?? null;
    const t = (typeof target === "function" ? target(r) : target) ?? null;
    if (v === null || t === null || !Number.isFinite(v) || !Number.isFinite(t)) {
      lines.push({ scenario, name, value: v, unit, op, target: t, pass: false, miss: "", note: "no figure" });
      return;
    }
    const met = op === ">=" ? v >= t : v <= t;
    const incomplete = complete(r) === false;
    const pass = met && !incomplete;
    let miss = "";
    if (!met) {
      const by = Math.abs(v - t);
      miss = `${fmt(by, unit)} (${((by / t) * 100).toFixed(0)} %)`;
    }
    const note = incomplete ? "incomplete run: the figure covers only what was delivered" : "";
    lines.push({ scenario, name, value: v, unit, op, target: t, pass, miss, note });
  };

  line("S1", "deliveries/s ÷ ceiling", (r) => r.ratio, ">=", pg ? 0.5 : 0.7, "×");
  // The table sets a p50 target for SQLite only; PostgreSQL's is p99 alone.
  if (!pg) line("S2", "send→receipt p50", (r) => r.sendToReceipt?.p50, "<=", 5, "ms");
  line("S2", "send→receipt p99", (r) => r.sendToReceipt?.p99, "<=", pg ? 50 : 25, "ms");
  const twiceS2 = (/** @type {any} */ r) => (r.referenceP99 == null ? null : 2 * r.referenceP99);
  line("S3", "healthy p99, bad endpoints elsewhere (2 × S2 p99)", (r) => r.sendToReceipt?.p99, "<=", twiceS2, "ms");
  line(
    "S3",
    "healthy p99, bad endpoints on its origin (2 × S2 p99)",
    (r) => r.sameOrigin?.sendToReceipt?.p99,
    "<=",
    twiceS2,
    "ms",
    (r) => r.sameOrigin?.complete,
  );
  line("S4", "backlog rate ÷ empty-queue rate", (r) => r.ratio, ">=", 0.8, "×");
  line("S4", "peak RSS per Herald process", (r) => r.peakRssMB, "<=", 300, "MB");
  line("Ingest", "accepts/s ÷ no-op", (r) => r.ratio, ">=", pg ? 0.3 : 0.5, "×");
  return lines;
}

/** @param {number} v @param {string} unit */
export function fmt(v, unit) {
  if (unit === "×") return `${v.toFixed(2)} ×`;
  if (unit === "ms") return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
  if (unit === "MB") return `${v.toFixed(0)} MB`;
  return `${v.toFixed(0)} ${unit}`;
}
