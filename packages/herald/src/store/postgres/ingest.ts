import type { Pool, PoolClient, QueryResult } from "pg";
import { conflict } from "../../domain/errors.js";
import { endpointWants } from "../../domain/event-types.js";
import { newDelivery } from "../../domain/new-delivery.js";
import type { Delivery, Endpoint, HeraldEvent } from "../../domain/types.js";
import type { ClaimedDelivery, IngestInput, IngestResult } from "../store.js";
import type { Settled } from "./group-commit.js";
import { scopeKey, scopeLocksSql } from "./locks.js";
import { DUE_CHANNEL } from "./notify.js";
import { isLimited, type Row, toDelivery, toEndpoint, toEvent } from "./rows.js";
import { jsonLiteral, textArrayLiteral } from "./sql-literal.js";
import { withTransaction } from "./transaction.js";

/** Makes a lease token unique to this store: `${owner}:${unique}`. */
export type LeaseTokens = (owner: string) => string;

/**
 * Ingests a batch of events with their deliveries (the outbox) in one
 * transaction of two round trips whatever the batch size:
 * 1. `BEGIN; <the scope locks>; <one read>` — known event ids, their
 *    deliveries, the scopes' enabled endpoints;
 * 2. `<one write>; COMMIT` — events and deliveries as multi-row INSERTs,
 *    plus the NOTIFY.
 * The fan-out is computed in between, in memory, exactly as the SQLite
 * adapter does it one event at a time.
 *
 * Each round trip is one simple-protocol message of several statements, so
 * values travel as escaped literals (JSON, unpacked by the server with
 * json_to_recordset) instead of bound parameters, which the extended
 * protocol allows for one statement per message only. The statements of a
 * message still run one after another, each with its own snapshot, so the
 * read sees every endpoint change committed before the lock was granted.
 * Why: at 500 events/s a batch holds one or two events, and on a 2-core
 * machine each round trip costs the API process a socket write that wakes
 * a server process (measured: half its busy time in `writev` with five
 * round trips per batch — BEGIN, locks, read, write, COMMIT).
 *
 * An event id another process wrote between our read and our write makes
 * our INSERT a no-op for it (ON CONFLICT DO NOTHING); that item, and any
 * in the batch that relied on it, is ingested again on its own, and then
 * reads the stored event like any duplicate.
 */
export async function ingest(
  pool: Pool,
  inputs: readonly IngestInput[],
  leaseTokens: LeaseTokens,
): Promise<Settled<IngestResult>[]> {
  const results = await withTransaction(pool, (c) => ingestBatch(c, inputs, leaseTokens), INLINE);
  const out: Settled<IngestResult>[] = [];
  for (const [i, r] of results.entries()) {
    if (r !== REDO) {
      out.push(r);
      continue;
    }
    // The batch has committed: from here on a failure is this item's alone.
    try {
      const again = (
        await withTransaction(pool, (c) => ingestBatch(c, [inputs[i] as IngestInput], leaseTokens), INLINE)
      )[0];
      out.push(again === REDO || again === undefined ? { ok: false, error: new Error("event id race") } : again);
    } catch (error) {
      out.push({ ok: false, error });
    }
  }
  return out;
}

const REDO = Symbol("redo");
const INLINE = { inline: true };

/** BEGIN, the shared scope locks (in a fixed order), then the read: one message. */
function beginAndReadSql(eventIds: string[], scopes: { accountId: string; mode: string }[]): string {
  const keys = scopes.map((s) => scopeKey(s.accountId, s.mode));
  const ids = textArrayLiteral(eventIds);
  return `BEGIN;
  ${scopeLocksSql("shared", textArrayLiteral(keys))};
  SELECT
  (SELECT coalesce(json_agg(e), '[]') FROM events e WHERE e.id = ANY(${ids})) AS events,
  (SELECT coalesce(json_agg(d ORDER BY d.seq), '[]') FROM deliveries d WHERE d.event_id = ANY(${ids})) AS deliveries,
  (SELECT coalesce(json_agg(p ORDER BY p.seq), '[]') FROM endpoints p
     JOIN json_to_recordset(${jsonLiteral(scopes.map((s) => ({ account_id: s.accountId, mode: s.mode })))})
       AS s(account_id text, mode text) ON p.account_id = s.account_id AND p.mode = s.mode
     WHERE p.status = 'enabled' AND p.deleted_at IS NULL) AS endpoints`;
}

// pg_notify inside the transaction is delivered at commit, and only if it commits.
function writeAndCommitSql(w: WriteRows): string {
  return `WITH ev AS (
    INSERT INTO events (id, account_id, mode, type, created, body)
    SELECT id, account_id, mode, type, created, body FROM json_to_recordset(${jsonLiteral(w.events)})
      AS x(id text, account_id text, mode text, type text, created bigint, body text)
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ), dl AS (
    INSERT INTO deliveries (id, account_id, mode, event_id, event_type, endpoint_id, status, max_attempts,
      next_attempt_at, next_trigger, lease_token, limited, created, updated)
    SELECT u.id, u.account_id, u.mode, u.event_id, u.event_type, u.endpoint_id, 'pending', u.max_attempts,
      u.next_attempt_at, 'scheduled', u.lease_token, u.limited, u.created, u.created
    FROM json_to_recordset(${jsonLiteral(w.deliveries)})
      AS u(id text, account_id text, mode text, event_id text, event_type text, endpoint_id text, max_attempts int,
        next_attempt_at bigint, lease_token text, limited boolean, created bigint)
    WHERE u.event_id IN (SELECT id FROM ev)
    RETURNING lease_token
  )
  SELECT ARRAY(SELECT id FROM ev) AS inserted,
    (SELECT count(*) FROM (SELECT pg_notify('${DUE_CHANNEL}', '') FROM dl WHERE dl.lease_token IS NULL LIMIT 1) n) AS notified;
  COMMIT`;
}

interface Known {
  event: HeraldEvent;
  deliveries: Delivery[];
  /** Planned in this batch (not yet known to be written). */
  planned: boolean;
}

interface Item {
  result: Settled<IngestResult>;
  /** The event id this result assumed this batch writes. */
  reliesOn: string | null;
}

async function ingestBatch(
  client: PoolClient,
  inputs: readonly IngestInput[],
  leaseTokens: LeaseTokens,
): Promise<(Settled<IngestResult> | typeof REDO)[]> {
  const scopes = new Map<string, { accountId: string; mode: string }>();
  for (const { event } of inputs) scopes.set(scopeKey(event.accountId, event.mode), event);
  const results = (await client.query(
    beginAndReadSql(
      inputs.map((i) => i.event.id),
      [...scopes.values()],
    ),
  )) as unknown as QueryResult[];
  const read = results[2]?.rows[0] as { events: Row[]; deliveries: Row[]; endpoints: Row[] };

  const known = new Map<string, Known>();
  for (const r of read.events) known.set(r.id as string, { event: toEvent(r), deliveries: [], planned: false });
  for (const r of read.deliveries) known.get(r.event_id as string)?.deliveries.push(toDelivery(r));
  const endpoints = new Map<string, Endpoint[]>();
  for (const r of read.endpoints) {
    const e = toEndpoint(r);
    const key = scopeKey(e.accountId, e.mode);
    const list = endpoints.get(key);
    if (list === undefined) endpoints.set(key, [e]);
    else list.push(e);
  }

  const write = new WriteRows();
  const items: Item[] = [];
  for (const input of inputs) {
    const { event } = input;
    const seen = known.get(event.id);
    if (seen !== undefined) {
      const reliesOn = seen.planned ? event.id : null;
      if (seen.event.accountId !== event.accountId || seen.event.mode !== event.mode) {
        const error = conflict("event_id_taken", `The event id ${event.id} is already in use.`, "id");
        items.push({ result: { ok: false, error }, reliesOn });
      } else {
        const value = { event: seen.event, duplicate: true, deliveries: [...seen.deliveries], claimed: [] };
        items.push({ result: { ok: true, value }, reliesOn });
      }
      continue;
    }
    const value = fanOut(input, endpoints.get(scopeKey(event.accountId, event.mode)) ?? [], leaseTokens, write);
    known.set(event.id, { event, deliveries: value.deliveries, planned: true });
    items.push({ result: { ok: true, value }, reliesOn: event.id });
  }

  const written = ((await client.query(writeAndCommitSql(write))) as unknown as QueryResult[])[0]?.rows[0] as {
    inserted: string[];
  };
  const inserted = new Set(written.inserted);
  return items.map((it) => (it.reliesOn !== null && !inserted.has(it.reliesOn) ? REDO : it.result));
}

/** Plans one new event and its deliveries, as sqlite/ingest.ts writes them. */
function fanOut(input: IngestInput, scopeEndpoints: Endpoint[], leaseTokens: LeaseTokens, write: WriteRows) {
  const { event, leaseTo } = input;
  const targets =
    input.onlyEndpointId === undefined
      ? scopeEndpoints.filter((e) => endpointWants(e.enabledEvents, event.type))
      : scopeEndpoints.filter((e) => e.id === input.onlyEndpointId);
  const token = leaseTo !== undefined && targets.length > 0 ? leaseTokens(leaseTo.owner) : null;
  const deliveries: Delivery[] = [];
  const claimed: ClaimedDelivery[] = [];
  for (const endpoint of targets) {
    // Shared store: only the claim can keep an endpoint's limits across
    // processes, so its deliveries are written unleased and due now.
    const limited = isLimited(endpoint);
    const lease = token !== null && !limited && (leaseTo?.accepts?.(endpoint.id) ?? true) ? token : null;
    const d = newDelivery(event, endpoint.id, input.maxAttempts, lease === null ? null : (leaseTo?.leaseMs ?? 0));
    write.delivery(d, lease, limited);
    deliveries.push(d);
    if (lease !== null) claimed.push({ delivery: d, leaseToken: lease, endpoint, body: event.body });
  }
  write.event(event);
  return { event, duplicate: false, deliveries, claimed };
}

/** The rows WRITE turns into INSERTs, as JSON records with the column names. */
class WriteRows {
  readonly events: Record<string, unknown>[] = [];
  readonly deliveries: Record<string, unknown>[] = [];

  event(e: HeraldEvent): void {
    this.events.push({
      id: e.id,
      account_id: e.accountId,
      mode: e.mode,
      type: e.type,
      created: e.created,
      body: e.body,
    });
  }

  delivery(d: Delivery, leaseToken: string | null, limited: boolean): void {
    this.deliveries.push({
      id: d.id,
      account_id: d.accountId,
      mode: d.mode,
      event_id: d.eventId,
      event_type: d.eventType,
      endpoint_id: d.endpointId,
      max_attempts: d.maxAttempts,
      next_attempt_at: d.nextAttemptAt,
      lease_token: leaseToken,
      limited,
      created: d.created,
    });
  }
}
