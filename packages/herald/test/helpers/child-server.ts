/**
 * `herald serve` as a child process, for tests that kill it: the same
 * binary a user runs, on a data dir the test keeps across restarts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface ChildHerald {
  url: string;
  child: ChildProcess;
  stdout: string[];
  /** What it wrote to stderr so far (its JSON logs). */
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export async function spawnHerald(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildHerald> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    // Load tests push thousands of requests a second through one key: no API rate limit unless a test sets one.
    env: { ...process.env, HERALD_LOG_LEVEL: "warn", HERALD_API_RATE_LIMIT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`herald did not start: ${stderr}`)), 20_000);
    let buf = "";
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        stdout.push(line);
        const m = /^Herald listening on (http:\/\/\S+)$/.exec(line);
        if (m?.[1] !== undefined) {
          clearTimeout(t);
          resolve(m[1]);
        }
        i = buf.indexOf("\n");
      }
    });
    void exited.then((code) => reject(new Error(`herald exited (${code}) before listening: ${stderr}`)));
  });
  return { url, child, stdout, stderr: () => stderr, exited };
}
