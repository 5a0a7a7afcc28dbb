import type { Pool, PoolClient } from "pg";

/**
 * Runs `fn` inside one transaction on one pooled connection (READ
 * COMMITTED: every statement sees what committed before it started). `fn`
 * must run SQL and plain computation only, never I/O of another kind: a
 * transaction left open across an HTTP request holds its locks for as long.
 * A connection that fails mid-way is destroyed instead of going back to the
 * pool.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out connection that dies between two statements (the server
  // restarted, an administrator terminated it) emits 'error' on the client;
  // unheard, that event would crash the process. The failing statement
  // rejects on its own, so here it only marks the connection as broken.
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}
