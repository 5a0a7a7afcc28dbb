/**
 * Every child process the benchmark starts is tracked here, so that it is
 * stopped at the end of the run, on an error, on Ctrl-C, and (with SIGKILL,
 * synchronously) when the runner itself exits for any reason.
 */

/** @type {Set<import("node:child_process").ChildProcess>} */
const live = new Set();
let installed = false;

/**
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<number | string>} resolves with the exit code or signal name
 */
export function track(child) {
  live.add(child);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });
}

/**
 * SIGTERM, then SIGKILL after `graceMs` if it has not exited.
 * @param {import("node:child_process").ChildProcess} child
 * @param {Promise<unknown>} exited
 * @param {number} graceMs
 */
export async function stopChild(child, exited, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(undefined);
    }, graceMs);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  await exited;
}

/** Kills whatever is still running (the last line of defence). */
export function killAllNow() {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Ctrl-C or SIGTERM kills the children, then runs `onSignal` (dropping the
 * databases the run created) for at most 15 s; process exit kills any left.
 * @param {() => Promise<void>} [onSignal]
 */
export function installCleanup(onSignal = async () => {}) {
  if (installed) return;
  installed = true;
  process.on("exit", killAllNow);
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping the processes it started…\n`);
      killAllNow();
      const limit = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
      void Promise.race([onSignal().catch(() => {}), limit]).then(() => process.exit(130));
    });
  }
}
