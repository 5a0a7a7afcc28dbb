/**
 * S4's backlog for the embedded store, written straight through Herald's own
 * store module (the same `ingestEvent` the API calls, so the rows are exactly
 * what an API ingest writes), while no Herald process runs: submitting a
 * batch of events before awaiting any lets the store's group commit put the
 * whole batch in one transaction. Nothing is leased: every delivery is due
 * now, for the claim query to find.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { nowMs } from "./clock.mjs";
import { EVENT_TYPE } from "./event-body.mjs";

/** The attempt budget Herald gives a delivery under the default retry schedule (7 delays + 1). */
const MAX_ATTEMPTS = 8;

/**
 * @param {{root: string, file: string, accountId: string, events: number, batch: number, log: (l: string) => void}} o
 */
export async function preloadSqlite(o) {
  const dist = join(o.root, "packages/herald/dist/src");
  const { openSqliteStore } = await import(pathToFileURL(join(dist, "store/sqlite/sqlite-store.js")).href);
  const { newId, ID_PREFIX } = await import(pathToFileURL(join(dist, "domain/ids.js")).href);
  const store = await openSqliteStore(o.file);
  const started = nowMs();
  let deliveries = 0;
  try {
    for (let done = 0; done < o.events; ) {
      const n = Math.min(o.batch, o.events - done);
      const batch = [];
      for (let j = 0; j < n; j++) {
        const seq = done + j;
        const id = newId(ID_PREFIX.event);
        const created = Date.now();
        const body = `{"id":"${id}","object":"event","type":"${EVENT_TYPE}","created":${Math.floor(created / 1000)},"livemode":false,"data":{"object":{"id":"pay_${seq}","object":"payment","amount":2999,"currency":"usd","seq":${seq},"sent_at":0}}}`;
        batch.push(
          store.ingestEvent({
            event: { id, accountId: o.accountId, mode: "test", type: EVENT_TYPE, created, body },
            maxAttempts: MAX_ATTEMPTS,
          }),
        );
      }
      for (const r of await Promise.all(batch)) deliveries += r.deliveries.length;
      done += n;
      if (done % (o.batch * 10) === 0 || done === o.events)
        o.log(`  pre-loaded ${done} events (${deliveries} deliveries)`);
    }
  } finally {
    await store.close();
  }
  const seconds = (nowMs() - started) / 1000;
  return {
    method: "store module (openSqliteStore → ingestEvent, group-committed batches)",
    deliveries,
    seconds,
    rate: deliveries / seconds,
  };
}
