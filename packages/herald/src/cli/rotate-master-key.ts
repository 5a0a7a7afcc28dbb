/**
 * `herald rotate-master-key`: re-seals every secret at rest under a new
 * master key (secrets/master-key-rotation.ts). The store's writers must be
 * stopped: with SQLite it refuses while a server holds the data dir; with
 * PostgreSQL every `herald serve` on the database must be stopped first, or
 * one still running would seal new secrets with the key it loaded at start.
 */
import { Command } from "commander";
import { resolveConfig } from "../config/config.js";

interface RotateFlags {
  dataDir?: string;
  databaseUrl?: string;
  newKeyFile?: string;
}

export function rotateMasterKeyCommand(): Command {
  return new Command("rotate-master-key")
    .description("Re-seal every secret at rest under a new master key (stop every Herald process on the store first)")
    .option("--data-dir <dir>", "embedded store and master key (HERALD_DATA_DIR, default ./.herald)")
    .option("--database-url <url>", "postgres://… for the PostgreSQL store (HERALD_DATABASE_URL)")
    .option("--new-key-file <path>", "where to write the new key when the current one is in HERALD_MASTER_KEY")
    .action(async (flags: RotateFlags) => {
      const config = resolveConfig({
        ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
        ...(flags.databaseUrl === undefined ? {} : { databaseUrl: flags.databaseUrl }),
      });
      // Loaded here, not at the top: the other client commands should not pay for the stores and drivers.
      const [{ pino }, { openStore }, { rotateMasterKey }] = await Promise.all([
        import("pino"),
        import("../server/open-store.js"),
        import("../secrets/master-key-rotation.js"),
      ]);
      if (config.databaseUrl !== null) {
        process.stderr.write(
          "herald: PostgreSQL: every `herald serve` on this database must be stopped now; start them again afterwards.\n",
        );
      }
      // For SQLite this takes the data dir's lock: it refuses while a server runs there.
      const { store, release } = await openStore(config, pino({ level: "warn" }, pino.destination(2)), Date.now());
      try {
        const result = await rotateMasterKey(store, {
          fromEnv: config.masterKey,
          dataDir: config.dataDir,
          ...(flags.newKeyFile === undefined ? {} : { newKeyFile: flags.newKeyFile }),
        });
        process.stdout.write(
          `Master key rotated: ${result.endpointSecrets} endpoint secrets, ${result.idempotentAnswers} stored answers ` +
            `and ${result.settings} settings re-sealed.\nThe new key is in ${result.keyFile}` +
            (config.masterKey === null ? ".\n" : ": set HERALD_MASTER_KEY to its content before starting Herald.\n"),
        );
      } finally {
        await store.close();
        release();
      }
    });
}
