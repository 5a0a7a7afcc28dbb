/** Master key rotation (PostgreSQL): every sealed value rewritten in one transaction. */
import type { Pool } from "pg";
import type { StoredSecret } from "../../domain/types.js";
import { isSealed } from "../../secrets/secret-box.js";
import type { ResealCount } from "../store.js";
import type { Row } from "./rows.js";
import { withTransaction } from "./transaction.js";

export function resealSecrets(pool: Pool, reseal: (sealed: string) => string): Promise<ResealCount> {
  return withTransaction(pool, async (c) => {
    // No writer may slip a value sealed with the old key in between the read
    // and the commit. (Servers still running keep the old key in memory and
    // would seal new secrets with it afterwards: they must all be stopped.)
    await c.query("LOCK TABLE endpoints, idempotency_keys, settings IN EXCLUSIVE MODE");
    const count: ResealCount = { endpointSecrets: 0, idempotentAnswers: 0, settings: 0 };
    // Deleted endpoints too: a secret left sealed with the old key would be one the old key still opens.
    for (const r of (await c.query("SELECT id, secrets FROM endpoints")).rows as Row[]) {
      const secrets = JSON.parse(r.secrets as string) as StoredSecret[];
      const next = secrets.map((s) => ({ ...s, ciphertext: reseal(s.ciphertext) }));
      count.endpointSecrets += next.length;
      await c.query("UPDATE endpoints SET secrets = $2 WHERE id = $1", [r.id, JSON.stringify(next)]);
    }
    for (const r of (await c.query("SELECT scope, key, body FROM idempotency_keys WHERE body IS NOT NULL"))
      .rows as Row[]) {
      await c.query("UPDATE idempotency_keys SET body = $3 WHERE scope = $1 AND key = $2", [
        r.scope,
        r.key,
        reseal(r.body as string),
      ]);
      count.idempotentAnswers++;
    }
    for (const r of (await c.query("SELECT name, value FROM settings")).rows as Row[]) {
      if (!isSealed(r.value as string)) continue;
      await c.query("UPDATE settings SET value = $2 WHERE name = $1", [r.name, reseal(r.value as string)]);
      count.settings++;
    }
    return count;
  });
}
