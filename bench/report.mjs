/** The tables `npm run bench` prints: every figure (throughput also as a ratio to its ceiling), then the targets. */
import { fmt } from "./targets.mjs";

/** @param {string[][]} rows */
function table(rows) {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const out = rows.map((r) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`);
  out.splice(1, 0, `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  return out.join("\n");
}

const rate = (/** @type {number} */ v) => `${Math.round(v).toLocaleString("en-US")}/s`;
const ratio = (/** @type {number} */ v, /** @type {number} */ of) => `${(v / of).toFixed(2)} ×`;
const ms = (/** @type {number | undefined} */ v) => (v === undefined ? "–" : fmt(v, "ms"));

/**
 * @param {any} s latency summary
 */
const pct = (s) => (s == null ? "–" : `${ms(s.p50)} / ${ms(s.p90)} / ${ms(s.p99)} / ${ms(s.max)}`);

/**
 * @param {Record<string, any>} results
 * @returns {string}
 */
export function figuresTable(results) {
  /** @type {string[][]} */
  const rows = [["scenario", "figure", "value", "× delivery ceiling"]];
  const add = (/** @type {string[]} */ ...r) => rows.push(r);
  for (const [name, r] of Object.entries(results)) {
    if (r.error !== undefined) {
      add(name, "error", String(r.error).split("\n")[0] ?? "", "");
      continue;
    }
    const c = r.ceiling?.rate;
    if (r.machine !== undefined) {
      const m = r.machine;
      add(
        name,
        "CPU used by other processes on the machine (not the bench's)",
        `${(m.otherShare * 100).toFixed(0)} % of the cores (${m.otherCpuSeconds} CPU-s in ${m.wallSeconds} s)`,
        "",
      );
    }
    const ceilingRow = () =>
      add(
        name,
        "delivery ceiling (signed POSTs straight to the sink)",
        `${rate(c)} (before ${rate(r.ceiling.before)}, after ${rate(r.ceiling.after)})`,
        "1.00 ×",
      );
    if (name === "S1") {
      add(
        name,
        `deliveries/s (${r.events} events × ${r.endpoints} endpoints, first 202 → last receipt)`,
        rate(r.rate),
        ratio(r.rate, c),
      );
      ceilingRow();
      add(
        name,
        "received / expected; endpoint finish spread",
        `${r.received} / ${r.expected}; ${r.endpointSpreadMs.toFixed(1)} ms`,
        "",
      );
      add(name, "ingest during the run (64 clients)", rate(r.ingestRate), "");
      add(
        name,
        "Herald's CPU per delivery (all its processes and threads; ingest included)",
        `${r.heraldCpuUsPerDelivery.toFixed(0)} µs`,
        "",
      );
      add(name, "peak RSS of the largest Herald process", `${r.peakRssMB.toFixed(0)} MB`, "");
    } else if (name === "S2" || name === "S3") {
      const label = name === "S2" ? "" : "bad endpoints elsewhere: healthy ";
      add(name, `${label}send → receipt p50 / p90 / p99 / max`, pct(r.sendToReceipt), "");
      add(name, `${label}202 → receipt p50 / p90 / p99 / max`, pct(r.acceptToReceipt), "");
      add(name, "send → 202 p50 / p90 / p99 / max", pct(r.sendToAccept), "");
      add(
        name,
        "events sent / received / lost / duplicates",
        `${r.sent} / ${r.received} / ${r.lost} / ${r.duplicates} at ${r.rate}/s for ${r.seconds} s`,
        "",
      );
      add(name, "peak RSS of the largest Herald process", `${r.peakRssMB.toFixed(0)} MB`, "");
      if (name === "S3") {
        add(
          name,
          `requests to ${r.hanging} hanging / ${r.failing} failing endpoints (another origin)`,
          `${r.hangingRequests} / ${r.failingRequests}`,
          "",
        );
        const o = r.sameOrigin;
        const failures = (/** @type {any} */ f) =>
          f?.error !== undefined
            ? `(could not ask: ${f.error})`
            : `${f.pendingAfterFailure} pending after a failed attempt; attempt errors ${JSON.stringify(f.attemptErrors)}`;
        add(name, "bad endpoints elsewhere: healthy deliveries retried (newest 100)", failures(r.healthyFailures), "");
        add(
          name,
          "bad endpoints on its origin: healthy deliveries retried (newest 100)",
          failures(o.healthyFailures),
          "",
        );
        add(
          name,
          "bad endpoints on its origin: healthy send → receipt p50 / p90 / p99 / max",
          pct(o.sendToReceipt),
          "",
        );
        add(name, "bad endpoints on its origin: send → 202 p50 / p90 / p99 / max", pct(o.sendToAccept), "");
        add(
          name,
          "bad endpoints on its origin: sent / received / lost / duplicates",
          `${o.sent} / ${o.received} / ${o.lost} / ${o.duplicates}`,
          "",
        );
        add(
          name,
          "bad endpoints on its origin: peak RSS of the largest Herald process",
          `${o.peakRssMB.toFixed(0)} MB`,
          "",
        );
        add(
          name,
          "bad endpoints on its origin: requests to hanging / failing",
          `${o.hangingRequests} / ${o.failingRequests}`,
          "",
        );
      }
    } else if (name === "S4") {
      add(
        name,
        `backlog drain (${r.backlog.toLocaleString("en-US")} pending; first → last receipt)`,
        rate(r.rate),
        ratio(r.rate, c),
      );
      add(
        name,
        "delivered of the backlog",
        `${r.received.toLocaleString("en-US")} / ${r.backlog.toLocaleString("en-US")}${r.complete ? "" : ` (stopped after the ${r.drainLimitSeconds} s limit)`}`,
        "",
      );
      add(name, "backlog drain from worker start (incl. start-up)", rate(r.rateFromStart), ratio(r.rateFromStart, c));
      add(name, "empty-queue rate (S1-like, same run)", rate(r.emptyRate), ratio(r.emptyRate, c));
      ceilingRow();
      add(name, "backlog ÷ empty-queue", `${(r.ratio).toFixed(2)} ×`, "");
      add(
        name,
        "peak RSS, largest Herald process (VmHWM); empty-queue run",
        `${r.peakRssMB.toFixed(0)} MB; ${r.emptyPeakRssMB.toFixed(0)} MB`,
        "",
      );
      add(name, `pre-load: ${r.preload.method}`, `${rate(r.preload.rate)} (${r.preload.seconds.toFixed(1)} s)`, "");
      add(
        name,
        "worker start-up; first delivery after start",
        `${r.startupSeconds.toFixed(2)} s; ${r.firstDeliveryAfterStartSeconds.toFixed(2)} s`,
        "",
      );
    } else if (name === "Ingest") {
      add(name, `durable accepts/s (${r.clients} clients, --no-workers, 1 endpoint)`, rate(r.rate), ratio(r.rate, c));
      add(
        name,
        "no-op Fastify POST (ceiling; before, after)",
        `${rate(r.noopRate)} (${rate(r.noopBefore)}, ${rate(r.noopAfter)})`,
        ratio(r.noopRate, c),
      );
      add(name, "accepts ÷ no-op", `${r.ratio.toFixed(2)} ×`, "");
      add(name, "peak RSS of the Herald process", `${r.peakRssMB.toFixed(0)} MB`, "");
      ceilingRow();
    }
  }
  return table(rows);
}

/** @param {import("./targets.mjs").TargetLine[]} lines */
export function targetsTable(lines) {
  /** @type {string[][]} */
  const rows = [["scenario", "target", "value", "result", "misses by"]];
  for (const l of lines) {
    rows.push([
      l.scenario,
      `${l.name} ${l.op} ${l.target === null ? "?" : fmt(l.target, l.unit)}`,
      l.value === null ? "–" : fmt(l.value, l.unit),
      l.pass ? "PASS" : "FAIL",
      [l.miss, l.note].filter((s) => s !== "").join("; "),
    ]);
  }
  return table(rows);
}
