/** Master key rotation (SQLite): every sealed value rewritten in one transaction. */
import type { Database } from "better-sqlite3";
import type { StoredSecret } from "../../domain/types.js";
import { isSealed } from "../../secrets/secret-box.js";
import type { ResealCount } from "../store.js";
import type { Row } from "./rows.js";

export function resealSecrets(db: Database, reseal: (sealed: string) => string): ResealCount {
  const count: ResealCount = { endpointSecrets: 0, idempotentAnswers: 0, settings: 0 };
  // The point of a rotation is often a key that leaked: the old boxes must
  // not linger in freed pages or the WAL, where the old key would still open them.
  db.pragma("secure_delete = ON");
  db.transaction(() => {
    // Deleted endpoints too: their rows stay (soft delete), and a secret
    // left sealed with the old key would be the one value the old key still opens.
    const update = db.prepare("UPDATE endpoints SET secrets = ? WHERE id = ?");
    for (const r of db.prepare("SELECT id, secrets FROM endpoints").all() as Row[]) {
      const secrets = JSON.parse(r.secrets as string) as StoredSecret[];
      const next = secrets.map((s) => ({ ...s, ciphertext: reseal(s.ciphertext) }));
      count.endpointSecrets += next.length;
      update.run(JSON.stringify(next), r.id);
    }
    const answer = db.prepare("UPDATE idempotency_keys SET body = ? WHERE scope = ? AND key = ?");
    for (const r of db.prepare("SELECT scope, key, body FROM idempotency_keys WHERE body IS NOT NULL").all() as Row[]) {
      answer.run(reseal(r.body as string), r.scope, r.key);
      count.idempotentAnswers++;
    }
    const setting = db.prepare("UPDATE settings SET value = ? WHERE name = ?");
    for (const r of db.prepare("SELECT name, value FROM settings").all() as Row[]) {
      if (!isSealed(r.value as string)) continue;
      setting.run(reseal(r.value as string), r.name);
      count.settings++;
    }
  }).immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
  return count;
}
