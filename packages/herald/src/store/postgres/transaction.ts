import type { Pool, PoolClient } from "pg";

/**
 * Runs `fn` inside one transaction on one pooled connection (READ
 * COMMITTED: every statement sees what committed before it started). `fn`
 * must run SQL and plain computation only, never I/O of another kind: a
 * transaction left open across an HTTP request holds its locks for as long.
 * A connection that fails mid-way is destroyed instead of going back to the
 * pool.
 */
export interface TransactionOptions {
  /**
   * The caller sends BEGIN at the start of its first message and COMMIT at
   * the end of its last (simple-protocol messages of several statements), to
   * spare a round trip each. Default false.
   */
  inline?: boolean;
}

export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
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
    if (options.inline !== true) await client.query("BEGIN");
    const result = await fn(client);
    if (options.inline !== true) await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      // Also when the failure came before an inline BEGIN: then it is a no-op (a warning).
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
