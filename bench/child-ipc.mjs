/**
 * A helper process forked with an IPC channel (the sink, the no-op server):
 * waits for its `{ready, port}` message and sends it commands that answer by id.
 */
import { fork } from "node:child_process";
import { stopChild, track } from "./processes.mjs";

/**
 * @typedef {{
 *   url: string, urls: string[], pid: number,
 *   call: (cmd: string, args?: Record<string, unknown>, timeoutMs?: number) => Promise<any>,
 *   stop: () => Promise<void>
 * }} IpcChild
 */

/**
 * @param {string} script absolute path of the module to fork
 * @param {string[]} [args]
 * @returns {Promise<IpcChild>}
 */
export async function forkIpcChild(script, args = []) {
  const child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = track(child);
  // A send racing the child's exit fails here; `call` reports it as a rejection instead.
  child.on("error", () => {});
  let seq = 0;
  /** @type {Map<number, (value: unknown) => void>} */
  const pending = new Map();
  /** @type {number[]} */
  const ports = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${script} did not start within 20 s`)), 20_000);
    child.on("message", (/** @type {any} */ msg) => {
      if (msg?.ready === true) {
        clearTimeout(t);
        resolve(msg.ports ?? [msg.port]);
        return;
      }
      const done = pending.get(msg?.id);
      if (done !== undefined) {
        pending.delete(msg.id);
        done(msg.value);
      }
    });
    void exited.then((code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    url: `http://127.0.0.1:${ports[0]}`,
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    pid: /** @type {number} */ (child.pid),
    call(cmd, args = {}, timeoutMs = 30_000) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: no answer to ${cmd} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, (value) => {
          clearTimeout(t);
          resolve(value);
        });
        if (!child.connected) {
          clearTimeout(t);
          pending.delete(id);
          reject(new Error(`${script} is gone: cannot send ${cmd}`));
          return;
        }
        child.send({ id, cmd, ...args });
      });
    },
    async stop() {
      if (child.connected) child.send({ id: 0, cmd: "close" });
      await stopChild(child, exited, 5_000);
    },
  };
}
