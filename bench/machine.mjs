/** What the run was measured on, for the results file and docs/benchmarks.md. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

/** @param {string} root */
export function describeMachine(root) {
  let cpuModel = "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  let commit = null;
  try {
    commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--", "packages"], {
      encoding: "utf8",
    }).trim();
    if (dirty !== "") commit += " + uncommitted changes in packages/";
  } catch {
    // not a git checkout
  }
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit,
  };
}
