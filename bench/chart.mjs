/**
 * A dependency-free SVG of a run: throughput ratios (left) with their
 * targets, and latency percentiles of S2 and S3's healthy endpoint (right,
 * log scale) with theirs. Green bars meet their target, red ones miss it.
 */

const W = 980;
const H = 460;
const GREEN = "#2e7d32";
const RED = "#c62828";
const GREY = "#607d8b";

const esc = (/** @type {string} */ s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const text = (/** @type {number} */ x, /** @type {number} */ y, /** @type {string} */ s, attrs = "") =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/**
 * @param {{results: Record<string, any>, targets: import("./targets.mjs").TargetLine[], meta: any}} run
 * @returns {string}
 */
export function renderChart(run) {
  const { results, targets, meta } = run;
  const parts = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    "<title>Herald benchmark: throughput ratios to same-run ceilings, and latency percentiles</title>",
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    text(
      20,
      26,
      `Herald benchmark — ${meta.backend}${meta.quick ? " (quick)" : ""}, ${meta.date}, ${meta.machine.cpus} × ${meta.machine.cpuModel}, Node ${meta.node}`,
      'font-size="14" font-weight="bold"',
    ),
  );
  parts.push(...ratioPanel(results, targets, 20, 60, 440, 370));
  parts.push(...latencyPanel(results, targets, 520, 60, 440, 370));
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/**
 * @param {Record<string, any>} results
 * @param {import("./targets.mjs").TargetLine[]} targets
 * @param {number} x0 @param {number} y0 @param {number} w @param {number} h
 */
function ratioPanel(results, targets, x0, y0, w, h) {
  const target = (/** @type {string} */ scenario, /** @type {string} */ prefix) =>
    targets.find((t) => t.scenario === scenario && t.name.startsWith(prefix));
  /** @type {{label: string, value: number, target: number | null}[]} */
  const bars = [];
  const ok = (/** @type {any} */ r) => r !== undefined && r.error === undefined;
  if (ok(results.S1))
    bars.push({
      label: "S1 Herald ÷ delivery ceiling",
      value: results.S1.ratio,
      target: target("S1", "deliveries")?.target ?? null,
    });
  if (ok(results.S4)) {
    bars.push({ label: "S4 backlog ÷ empty queue", value: results.S4.ratio, target: 0.8 });
    bars.push({
      label: "S4 backlog ÷ delivery ceiling",
      value: results.S4.rate / results.S4.ceiling.rate,
      target: null,
    });
    bars.push({
      label: "S4 empty queue ÷ delivery ceiling",
      value: results.S4.emptyRate / results.S4.ceiling.rate,
      target: null,
    });
  }
  if (ok(results.Ingest)) {
    bars.push({
      label: "Ingest ÷ no-op Fastify POST",
      value: results.Ingest.ratio,
      target: target("Ingest", "accepts")?.target ?? null,
    });
    bars.push({
      label: "Ingest ÷ delivery ceiling",
      value: results.Ingest.rate / results.Ingest.ceiling.rate,
      target: null,
    });
  }
  const out = [text(x0, y0 - 10, "Throughput as a ratio (same-run ceilings; dashed: target)", 'font-weight="bold"')];
  const labelW = 200;
  const plotW = w - labelW - 50;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const sx = (/** @type {number} */ v) => x0 + labelW + (v / max) * plotW;
  const rowH = Math.min(48, (h - 30) / Math.max(1, bars.length));
  for (const tick of [0, 0.25, 0.5, 0.75, 1, ...(max > 1.2 ? [max] : [])]) {
    out.push(`<line x1="${sx(tick)}" y1="${y0}" x2="${sx(tick)}" y2="${y0 + rowH * bars.length}" stroke="#ddd"/>`);
    out.push(text(sx(tick), y0 + rowH * bars.length + 16, tick.toFixed(2), 'text-anchor="middle" fill="#555"'));
  }
  bars.forEach((b, i) => {
    const y = y0 + i * rowH;
    const colour = b.target === null ? GREY : b.value >= b.target ? GREEN : RED;
    out.push(text(x0 + labelW - 8, y + rowH / 2 + 4, b.label, 'text-anchor="end"'));
    out.push(
      `<rect x="${sx(0)}" y="${(y + rowH * 0.2).toFixed(1)}" width="${(sx(b.value) - sx(0)).toFixed(1)}" height="${(rowH * 0.6).toFixed(1)}" fill="${colour}"/>`,
    );
    out.push(text(sx(b.value) + 4, y + rowH / 2 + 4, `${b.value.toFixed(2)} ×`));
    if (b.target !== null) {
      out.push(
        `<line x1="${sx(b.target)}" y1="${y + 2}" x2="${sx(b.target)}" y2="${y + rowH - 2}" stroke="#000" stroke-dasharray="4 3" stroke-width="1.5"/>`,
      );
    }
  });
  if (bars.length === 0) out.push(text(x0, y0 + 20, "no throughput scenario in this run"));
  return out;
}

/**
 * @param {Record<string, any>} results
 * @param {import("./targets.mjs").TargetLine[]} targets
 * @param {number} x0 @param {number} y0 @param {number} w @param {number} h
 */
function latencyPanel(results, targets, x0, y0, w, h) {
  const out = [text(x0, y0 - 10, "send → receipt latency, ms (log scale; dashed: target)", 'font-weight="bold"')];
  /** @type {{label: string, s: any, targets: {q: string, v: number}[]}[]} */
  const groups = [];
  const targetsOf = (/** @type {string} */ scenario, match = "") =>
    targets
      .filter((t) => t.scenario === scenario && t.unit === "ms" && t.target !== null && t.name.includes(match))
      .map((t) => ({ q: /** @type {string} */ (/p\d+/.exec(t.name)?.[0]), v: /** @type {number} */ (t.target) }));
  const s2 = results.S2?.sendToReceipt;
  if (s2 != null) groups.push({ label: "S2 steady", s: s2, targets: targetsOf("S2") });
  const s3 = results.S3?.sendToReceipt;
  if (s3 != null) groups.push({ label: "S3 healthy (bad elsewhere)", s: s3, targets: targetsOf("S3", "elsewhere") });
  const s3same = results.S3?.sameOrigin?.sendToReceipt;
  if (s3same != null) {
    groups.push({ label: "S3 healthy (bad on its origin)", s: s3same, targets: targetsOf("S3", "its origin") });
  }
  if (groups.length === 0) {
    out.push(text(x0, y0 + 20, "no latency scenario in this run"));
    return out;
  }
  const qs = ["p50", "p90", "p99", "max"];
  const values = groups.flatMap((g) => [...qs.map((q) => g.s[q]), ...g.targets.map((t) => t.v)]).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const plotTop = y0;
  const plotBottom = y0 + h - 40;
  const plotLeft = x0 + 40;
  const sy = (/** @type {number} */ v) =>
    plotBottom -
    ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (plotBottom - plotTop);
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    out.push(`<line x1="${plotLeft}" y1="${sy(d).toFixed(1)}" x2="${x0 + w}" y2="${sy(d).toFixed(1)}" stroke="#ddd"/>`);
    out.push(text(plotLeft - 6, sy(d) + 4, d >= 1 ? String(d) : d.toString(), 'text-anchor="end" fill="#555"'));
  }
  const groupW = (x0 + w - plotLeft) / groups.length;
  const barW = (groupW * 0.8) / qs.length;
  groups.forEach((g, gi) => {
    const gx = plotLeft + gi * groupW + groupW * 0.1;
    qs.forEach((q, qi) => {
      const v = g.s[q];
      const t = g.targets.find((x) => x.q === q);
      const colour = t === undefined ? GREY : v <= t.v ? GREEN : RED;
      const bx = gx + qi * barW;
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${sy(v).toFixed(1)}" width="${(barW * 0.85).toFixed(1)}" height="${(plotBottom - sy(v)).toFixed(1)}" fill="${colour}"/>`,
      );
      out.push(
        text(bx + barW * 0.42, sy(v) - 4, v < 10 ? v.toFixed(2) : v.toFixed(0), 'text-anchor="middle" font-size="11"'),
      );
      out.push(text(bx + barW * 0.42, plotBottom + 14, q, 'text-anchor="middle" fill="#555"'));
      if (t !== undefined) {
        out.push(
          `<line x1="${(bx - 2).toFixed(1)}" y1="${sy(t.v).toFixed(1)}" x2="${(bx + barW * 0.85 + 2).toFixed(1)}" y2="${sy(t.v).toFixed(1)}" stroke="#000" stroke-dasharray="4 3" stroke-width="1.5"/>`,
        );
      }
    });
    out.push(text(gx + groupW * 0.4, plotBottom + 32, g.label, 'text-anchor="middle" font-weight="bold"'));
  });
  return out;
}
