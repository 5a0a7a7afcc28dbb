import type { FastifyServerOptions } from "fastify";
import type { Logger } from "pino";
import type { HeraldMetrics } from "../observability/metrics.js";
import type { SecretBox } from "../secrets/secret-box.js";
import type { HttpLimits } from "../server/http-limits.js";
import type { ClaimedDelivery, Store } from "../store/store.js";

/** Everything the API needs from the process that hosts it. */
export interface ApiDeps {
  /** The only way the API reaches data. */
  store: Store;
  /** Seals and opens endpoint signing secrets. */
  secretBox: SecretBox;
  /** sha256 hex (secrets/api-key.ts `hashSecret`) of the operator token; compared in constant time. */
  adminTokenHash: string;
  /** The attempt budget of each new delivery: retry schedule length + 1. */
  maxAttempts: number;
  /** Accept live-mode endpoints on loopback and private addresses. */
  allowPrivateTargets: boolean;
  /** Herald's version, shown in the OpenAPI document. */
  version: string;
  /** Fastify logger options. Default false (silent). */
  logger?: FastifyServerOptions["logger"] | false;
  /** A pino logger for the API's lines, each bound to its request id; wins over `logger`. Default: none. */
  loggerInstance?: Logger;
  /** Counts ingested events and serves `GET /metrics`. Default: none (no /metrics route). */
  metrics?: HeraldMetrics;
  /** Requests per second per credential (api/rate-limit.ts). Default 0: no limit. */
  apiRateLimit?: number;
  /** Socket timeouts and header limits (server/http-limits.ts). Default: Fastify's and Node's. */
  httpLimits?: HttpLimits;
  /**
   * The local delivery engine, when this process runs workers: ingest writes
   * deliveries already leased to it and hands them over after commit.
   * Default: none (workers elsewhere claim them from the store).
   */
  delivery?: {
    leaseTo: { owner: string; leaseMs: number; accepts?: (endpointId: string) => boolean };
    accept(claimed: ClaimedDelivery[]): void;
    /** Due work was queued without a lease (resend, recover): look for it now instead of at the next poll. */
    wake(): void;
    /** An endpoint changed: deliveries waiting for it locally go back to the store to be cancelled or re-read. */
    endpointChanged(endpointId: string): void;
  };
}
