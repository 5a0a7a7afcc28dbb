/**
 * A sender thread (see sender-threads.ts): a Dispatcher of its own with its
 * own connection pools, sending what the engine's thread hands it and
 * handing back each attempt's end.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SecretBox } from "../secrets/secret-box.js";
import { Dispatcher } from "./dispatcher.js";
import type { SenderEndpoint } from "./sender.js";
import type { FromSender, SenderOutcome, SenderWorkerData, ToSender } from "./sender-protocol.js";
import { useDnsServers } from "./ssrf.js";

const data = workerData as SenderWorkerData;
const port = parentPort;
if (port === null) throw new Error("sender-worker runs as a worker thread");

useDnsServers(data.dnsServers);
const dispatcher = new Dispatcher({
  timeoutMs: data.timeoutMs,
  allowPrivateTargets: data.allowPrivateTargets,
  secretBox: new SecretBox(Buffer.from(data.masterKey)),
  version: data.version,
});
const endpoints = new Map<string, SenderEndpoint>();
let outbox: SenderOutcome[] = [];
let flushing = false;

// Results that end in the same turn of this loop go back in one message:
// setImmediate runs after every socket read of the turn.
function deliver(outcome: SenderOutcome): void {
  outbox.push(outcome);
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    const message: FromSender = { results: outbox };
    outbox = [];
    port?.postMessage(message);
  });
}

port.on("message", (m: ToSender) => {
  if ("close" in m) {
    void dispatcher.close().then(() => port.close());
    return;
  }
  for (const job of m.jobs) {
    if ("forget" in job) {
      endpoints.delete(job.forget);
      continue;
    }
    if (job.endpoint !== undefined) endpoints.set(job.endpointId, job.endpoint);
    const endpoint = endpoints.get(job.endpointId);
    if (endpoint === undefined) {
      deliver([job.n, null, `sender thread: endpoint ${job.endpointId} unknown`]);
      continue;
    }
    const n = job.n;
    dispatcher.send(endpoint, job.eventId, job.body, job.now).then(
      (result) => deliver([n, result]),
      (err: unknown) => deliver([n, null, err instanceof Error ? err.message : String(err)]),
    );
  }
});
