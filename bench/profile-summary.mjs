#!/usr/bin/env node
/**
 * Top costs of a V8 CPU profile (`node --cpu-prof`): self time per function
 * (with the callers that spent it) and per area (a package under
 * node_modules, Herald's own folders, Node's internals, GC). V8 stamps
 * samples with the machine's monotonic clock in µs, the clock of
 * bench/clock.mjs, so a profile can be cut to the window a scenario measured.
 *
 *   node bench/profile-summary.mjs FILE.cpuprofile… [--top N]
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** @param {string} url */
function area(url) {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const herald = /packages\/(herald|webhooks)\/dist\/src\/(.*)$/.exec(url);
  if (herald?.[1] === "webhooks") return "@herald/webhooks";
  if (herald?.[2] !== undefined) return `herald ${herald[2].split("/")[0]}/`;
  return url;
}

/** @param {any} f a callFrame */
function frameName(f) {
  const name = f.functionName || "(anonymous)";
  if (name.startsWith("(") && f.url === "") return name;
  const file = f.url === "" ? "native" : f.url.replace(/^.*\/(node_modules|dist)\//, "$1/");
  return `${name} ${file}:${f.lineNumber + 1}`;
}

/**
 * @param {string} file
 * @param {{top?: number, windows?: {from: number, to: number}[]}} [o] windows in monotonic ms
 */
export function summarizeProfile(file, o = {}) {
  const top = o.top ?? 15;
  const windows = (o.windows ?? []).map((w) => ({ from: w.from * 1000, to: w.to * 1000 }));
  const profile = JSON.parse(readFileSync(file, "utf8"));
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<number, number>} */
  const self = new Map();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const next = deltas[i + 1] ?? 0;
    if (windows.length > 0 && !windows.some((w) => t >= w.from && t <= w.to)) continue;
    // A sample stands for the time until the next one.
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, next));
  }
  let total = 0;
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  /** @type {Map<string, Map<string, number>>} */
  const callers = new Map();
  /** @type {Map<string, number>} */
  const byArea = new Map();
  for (const [id, us] of self) {
    const n = nodes.get(id);
    const f = n.callFrame;
    total += us;
    const key = frameName(f);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const p = nodes.get(parent.get(id) ?? -1);
    if (p !== undefined) {
      const by = callers.get(key) ?? new Map();
      const pk = frameName(p.callFrame);
      by.set(pk, (by.get(pk) ?? 0) + us);
      callers.set(key, by);
    }
    const special = (f.functionName ?? "").startsWith("(") && f.url === "";
    const a = special ? f.functionName : area(f.url);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const idle = byArea.get("(idle)") ?? 0;
  const busy = total - idle;
  const pct = (/** @type {number} */ us) => (busy === 0 ? 0 : Math.round((us / busy) * 1000) / 10);
  const rank = (/** @type {Map<string, number>} */ m) =>
    [...m]
      .filter(([k]) => k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
  return {
    file: `${basename(dirname(file))}/${basename(file)}`,
    windowed: windows.length > 0,
    wallMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    byArea: rank(byArea).map(([name, us]) => ({ name, ms: Math.round(us / 1000), pctOfBusy: pct(us) })),
    byFunction: rank(byFunction).map(([name, us]) => ({
      name,
      ms: Math.round(us / 1000),
      pctOfBusy: pct(us),
      callers: [...(callers.get(name) ?? new Map())]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([c, cus]) => ({ name: c, pctOfBusy: pct(cus) })),
    })),
  };
}

/** @param {ReturnType<typeof summarizeProfile>} s */
export function formatProfile(s) {
  const lines = [
    `${s.file}: ${s.busyMs} ms busy of ${s.wallMs} ms sampled${s.windowed ? " (measured window only)" : ""}`,
    "  by area (self time, % of busy):",
  ];
  for (const a of s.byArea)
    lines.push(`    ${String(a.pctOfBusy).padStart(5)} %  ${String(a.ms).padStart(6)} ms  ${a.name}`);
  lines.push("  by function (self time, % of busy; ← its callers):");
  for (const f of s.byFunction.slice(0, 12)) {
    lines.push(`    ${String(f.pctOfBusy).padStart(5)} %  ${String(f.ms).padStart(6)} ms  ${f.name}`);
    for (const c of f.callers.filter((c) => c.pctOfBusy >= 0.5))
      lines.push(`              ← ${c.pctOfBusy} %  ${c.name}`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
  const files = args.filter((a, i) => !a.startsWith("--") && (topAt < 0 || i !== topAt + 1));
  if (files.length === 0) {
    console.error("Usage: node bench/profile-summary.mjs FILE.cpuprofile… [--top N]");
    process.exit(2);
  }
  for (const f of files) console.log(formatProfile(summarizeProfile(f, { top })));
}
