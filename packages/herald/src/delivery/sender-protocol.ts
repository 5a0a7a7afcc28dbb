/**
 * The messages between SenderThreads (the engine's thread) and each sender
 * thread (sender-worker.ts). Both sides batch: one message carries every
 * send started in one turn of the caller's event loop, and every result
 * that arrived in one turn of the thread's, so a message costs a few
 * microseconds per delivery instead of one wake-up each.
 */
import type { AttemptResult } from "./attempt-handler.js";
import type { SenderEndpoint } from "./sender.js";

/** What a sender thread starts with. */
export interface SenderWorkerData {
  /** The master key's 32 bytes: the thread opens the sealed secrets itself. */
  masterKey: Uint8Array;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  version: string;
  dnsServers: string[] | null;
}

/**
 * One item of the stream to a thread, applied in order: a send (with the
 * endpoint's fields the first time, and again whenever they change), or
 * "forget this endpoint" (the caller keeps a bounded set of what each
 * thread knows).
 */
export type SenderJob =
  | { n: number; endpointId: string; endpoint?: SenderEndpoint; eventId: string; body: string; now: number }
  | { forget: string };

export type ToSender = { jobs: SenderJob[] } | { close: true };

/** A send's end: its result, or why the thread could not sign it. */
export type SenderOutcome = [n: number, result: AttemptResult] | [n: number, result: null, error: string];

export interface FromSender {
  results: SenderOutcome[];
}
