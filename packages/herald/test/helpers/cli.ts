/**
 * The real `herald` binary as a child process, for the client commands:
 * one-shot runs (trigger, webhooks, events, deliveries) and long-running
 * ones (listen) whose output lines a test waits for.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./child-server.js";

export interface CliRun {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** A fresh environment: no key or URL from the developer's shell, state under a temp dir. */
function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { HERALD_API_KEY: _key, HERALD_URL: _url, ...rest } = process.env;
  return { ...rest, XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "herald-cli-state-")), ...env };
}

/** Runs `herald ...args` to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`herald ${args.join(" ")} did not finish in ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      // 'exit' can come before the last output: wait for the streams to end.
      let open = 2;
      const done = () => {
        if (--open === 0) resolve({ code: code ?? signal ?? -1, stdout, stderr });
      };
      if (child.stdout?.readableEnded) done();
      else child.stdout?.once("end", done);
      if (child.stderr?.readableEnded) done();
      else child.stderr?.once("end", done);
    });
  });
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout lines so far. */
  lines: string[];
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line (already printed or to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when `count` lines match `pattern`. */
  waitForLines(pattern: RegExp, count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Starts `herald ...args` and returns at once. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let stderr = "";
  const listeners = new Set<() => void>();
  let buffer = "";
  child.stdout?.on("data", (d: Buffer) => {
    buffer += d.toString();
    let i = buffer.indexOf("\n");
    while (i >= 0) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf("\n");
    }
    for (const listener of listeners) listener();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  const waitForLines = (pattern: RegExp, count: number, timeoutMs = 20_000) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => {
        const matching = lines.filter((l) => pattern.test(l));
        if (matching.length < count) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(matching);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`waited for ${count} × ${pattern}; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLines,
    async waitForLine(pattern, timeoutMs) {
      const [first] = await waitForLines(pattern, 1, timeoutMs);
      return pattern.exec(first as string) as RegExpExecArray;
    },
    exited,
  };
}
