/**
 * A fresh PostgreSQL database for one scenario, created from the admin URL
 * given with `--database-url` and dropped (with every connection to it) at
 * the end; dropAllDatabases() is the runner's safety net for any a failed
 * scenario left. `pg` is loaded only on this path.
 */
import { randomBytes } from "node:crypto";
import { sleep } from "./clock.mjs";

/** Every benchmark database starts with this, so its server processes can be told apart (cpu-accounting.mjs). */
export const DATABASE_PREFIX = "herald_bench_";

/** @type {Set<{name: string, drop: () => Promise<void>}>} */
const live = new Set();

/** @param {string} adminUrl @returns {Promise<{url: string, name: string, drop: () => Promise<void>}>} */
export async function createDatabase(adminUrl) {
  const pg = (await import("pg")).default;
  const name = `${DATABASE_PREFIX}${randomBytes(5).toString("hex")}`;
  const admin = async (/** @type {string} */ sql) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = {
    url: url.toString(),
    name,
    async drop() {
      if (!live.has(db)) return;
      // FORCE ends the connections still open; a few tries ride out a server that is briefly busy.
      for (let attempt = 1; ; attempt++) {
        try {
          await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          live.delete(db);
          return;
        } catch (err) {
          if (attempt >= 3) throw err;
          await sleep(1000 * attempt);
        }
      }
    },
  };
  live.add(db);
  return db;
}

/** Drops every database this run created and has not dropped yet. */
export async function dropAllDatabases() {
  for (const db of [...live]) {
    await db.drop().catch((/** @type {unknown} */ err) => {
      process.stderr.write(`bench: could not drop database ${db.name}: ${String(err)}\n`);
    });
  }
}
