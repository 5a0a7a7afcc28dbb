#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under packages/*/dist/test) with
// Node's own test runner. Listing the files (instead of passing folders)
// keeps helper modules such as fixtures out of the run. Extra arguments
// are passed to `node --test` (e.g. a file filter: only files whose path
// contains the word).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages/webhooks/dist/test", "packages/herald/dist/test"];
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));

function walk(dir) {
  let out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = roots.flatMap(walk).filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (files.length === 0) {
  console.error("No test files found: run `npm run build` first.");
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=2", "--test-timeout=300000", ...flags, ...files],
  {
    stdio: "inherit",
  },
);
process.exit(res.status ?? 1);
