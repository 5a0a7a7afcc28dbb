import { Command } from "commander";
import { resolveConfig, type ServeFlags } from "../config/config.js";

export function serveCommand(): Command {
  return new Command("serve")
    .description("Run the API, the dashboard and the delivery workers")
    .option("--port <port>", "HTTP port; 0 picks a free one (HERALD_PORT, default 8080)")
    .option("--host <host>", "bind address (HERALD_HOST, default 127.0.0.1)")
    .option("--data-dir <dir>", "embedded store and master key (HERALD_DATA_DIR, default ./.herald)")
    .option("--database-url <url>", "postgres://… selects the PostgreSQL store (HERALD_DATABASE_URL)")
    .option("--admin-token <token>", "the operator's bearer token (HERALD_ADMIN_TOKEN, default generated once)")
    .option(
      "--allow-private-targets",
      "allow live endpoints on loopback/private addresses (HERALD_ALLOW_PRIVATE_TARGETS=1)",
    )
    .option("--delivery-timeout <ms>", "per-attempt timeout in ms (HERALD_DELIVERY_TIMEOUT_MS, default 5000)")
    .option(
      "--retry-schedule <list>",
      "delays after each failed attempt (HERALD_RETRY_SCHEDULE, default 5s,5m,30m,2h,5h,10h,10h)",
    )
    .option("--operator-webhook-url <url>", "where operational notices go (HERALD_OPERATOR_WEBHOOK_URL)")
    .option(
      "--retention-days <days>",
      "prune events, deliveries and attempts older than this (HERALD_RETENTION_DAYS, default 30)",
    )
    .option(
      "--api-rate-limit <n>",
      "API requests per second per key, per process; 0 = off (HERALD_API_RATE_LIMIT, default 100)",
    )
    .option(
      "--sender-threads <n>",
      "threads that sign and send deliveries; 0 = on the main thread (HERALD_SENDER_THREADS, default 1)",
    )
    .option("--no-workers", "serve the API only; deliver nothing from this process")
    .option("--workers-only", "deliver only; serve no API")
    .action(async (flags: ServeFlags) => {
      const config = resolveConfig(flags);
      // Loaded here, not at the top: the client commands (listen, trigger, …) share this
      // binary and should not pay for loading the server, its stores and drivers.
      const { startServer } = await import("../server/start.js");
      const server = await startServer(config);
      let signals = 0;
      const shutdown = (signal: string): void => {
        signals++;
        if (signals > 1) process.exit(1); // a second Ctrl-C means now
        process.stderr.write(`herald: ${signal} received, finishing deliveries in flight…\n`);
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`herald: shutdown failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    });
}
