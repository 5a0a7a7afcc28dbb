/**
 * What the engine needs from whatever sends its deliveries: one signed POST
 * per call, its end as an AttemptResult. Two implementations: the
 * Dispatcher (on the calling thread) and SenderThreads (on worker threads).
 */
import type { Endpoint } from "../domain/types.js";
import type { AttemptResult } from "./attempt-handler.js";

/** The endpoint fields a send reads: where to, and how to sign. */
export type SenderEndpoint = Pick<
  Endpoint,
  "id" | "url" | "mode" | "signatureScheme" | "signatureHeader" | "timestampHeader" | "secrets"
>;

export interface Sender {
  /**
   * Signs `body` for the endpoint at `now` (unix ms) and POSTs it. Resolves
   * with the attempt's end whatever the receiver did; rejects only when the
   * endpoint's stored secrets cannot sign.
   */
  send(endpoint: SenderEndpoint, eventId: string, body: string, now: number): Promise<AttemptResult>;
  /** Closes every connection; requests still in flight end first. */
  close(): Promise<void>;
}
