/**
 * One `herald serve` as a child process: the binary a user runs, started
 * with `--port 0`, ready when it prints `Herald listening on http://…`.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stopChild, track } from "./processes.mjs";

/**
 * @typedef {{
 *   name: string, url: string, pid: number,
 *   stderrTail: () => string,
 *   stop: () => Promise<void>,
 *   exited: Promise<number | string>
 * }} HeraldProcess
 */

/**
 * @param {{
 *   root: string, name: string, dataDir: string, adminToken: string, args?: string[],
 *   env?: Record<string, string>, cpuProfDir?: string | null, stopGraceMs?: number
 * }} o
 * @returns {Promise<HeraldProcess>}
 */
export async function spawnHerald(o) {
  const cli = join(o.root, "packages/herald/dist/src/cli/main.js");
  const nodeArgs = [];
  if (o.cpuProfDir) {
    const dir = join(o.cpuProfDir, o.name);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push("--cpu-prof", "--cpu-prof-dir", dir);
  }
  const args = [
    ...nodeArgs,
    cli,
    "serve",
    "--port",
    "0",
    "--data-dir",
    o.dataDir,
    "--admin-token",
    o.adminToken,
    ...(o.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, HERALD_LOG_LEVEL: "warn", HERALD_API_RATE_LIMIT: "0", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = track(child);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-8192);
  });
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`herald ${o.name} did not start within 30 s: ${stderr}`)), 30_000);
    let buf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /^Herald listening on (http:\/\/\S+)$/.exec(line);
        if (m?.[1] !== undefined) {
          clearTimeout(t);
          resolve(m[1]);
        }
      }
      if (buf.length > 65_536) buf = "";
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`herald ${o.name} exited (${code}) before listening: ${stderr}`));
    });
  });
  return {
    name: o.name,
    url,
    pid: /** @type {number} */ (child.pid),
    stderrTail: () => stderr,
    // Graceful: Herald lets requests in flight finish (up to its delivery timeout + 1 s)
    // and writes a CPU profile on the way out when asked for one.
    stop: () => stopChild(child, exited, o.stopGraceMs ?? 20_000),
    exited,
  };
}
