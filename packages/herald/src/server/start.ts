/**
 * Composition root of `herald serve`: opens the store, bootstraps first-start
 * state, starts the delivery engine and the HTTP API, and wires graceful
 * shutdown. Everything else receives its parts from here.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { buildApp } from "../api/app.js";
import { createDashboardLink } from "../api/session.js";
import type { HeraldConfig } from "../config/config.js";
import type { BreakerOptions } from "../delivery/breaker.js";
import { Dispatcher } from "../delivery/dispatcher.js";
import { DEFAULT_HEALTH_POLICY, DeliveryEngine } from "../delivery/engine.js";
import { OperatorNotices } from "../delivery/operator-notices.js";
import { RetryPolicy } from "../delivery/retry-policy.js";
import type { Sender } from "../delivery/sender.js";
import { SenderThreads } from "../delivery/sender-threads.js";
import { useDnsServers } from "../delivery/ssrf.js";
import { DeliveryLog } from "../observability/delivery-log.js";
import { createLogger } from "../observability/logger.js";
import { HeraldMetrics } from "../observability/metrics.js";
import { loadMasterKey } from "../secrets/master-key.js";
import { settlePendingRotation } from "../secrets/master-key-rotation.js";
import { SecretBox } from "../secrets/secret-box.js";
import type { Store } from "../store/store.js";
import { VERSION } from "../version.js";
import { bootstrap } from "./bootstrap.js";
import { buildHealthApp } from "./health-app.js";
import { httpLimits } from "./http-limits.js";
import { openStore } from "./open-store.js";
import { RetentionJob } from "./retention.js";

export interface RunningServer {
  url: string;
  store: Store;
  engine: DeliveryEngine | null;
  /** What sends the engine's attempts (for tests and diagnostics); null without workers. */
  sender: Sender | null;
  retention: RetentionJob;
  /** Graceful stop: no new requests or claims, in-flight deliveries finish (bounded), leases given back. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the human lines (listening URL, first-start secrets) go. Default stdout. */
  print?: (line: string) => void;
  logger?: Logger;
  /** Engine tuning for tests (lease length, auto-disable window, lane buffer, held budget, breaker). */
  engine?: {
    leaseMs?: number;
    autoDisableAfterMs?: number;
    autoDisableMinFailures?: number;
    perEndpointBuffer?: number;
    maxHeld?: number;
    breaker?: BreakerOptions;
  };
}

export async function startServer(config: HeraldConfig, options: StartOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Structured logs go to stderr so stdout carries only the lines meant for people.
  const logger = options.logger ?? createLogger({ level: process.env.HERALD_LOG_LEVEL ?? "info" });
  const now = Date.now();

  // Before anything resolves an endpoint host: the create-time check and the delivery lookup share it.
  useDnsServers(config.dnsServers);
  const { store, release } = await openStore(config, logger, now);
  let boot: Awaited<ReturnType<typeof bootstrap>>;
  let box: SecretBox;
  let masterKey: Buffer;
  try {
    await settlePendingRotation(store, { fromEnv: config.masterKey, dataDir: config.dataDir });
    masterKey = loadMasterKey(config.masterKey ?? undefined, config.dataDir);
    box = new SecretBox(masterKey);
    boot = await bootstrap(store, box, config, now);
  } catch (err) {
    await store.close();
    release();
    throw err;
  }
  const retry = new RetryPolicy({ schedule: config.retrySchedule });
  const metrics = new HeraldMetrics({ store });
  const deliveryLog = new DeliveryLog(logger);

  let engine: DeliveryEngine | null = null;
  let attempts: Sender | null = null;
  if (config.workers) {
    attempts = sender(config, box, masterKey, logger);
    const notices = new OperatorNotices({
      url: config.operatorWebhookUrl,
      secret: boot.operatorSecret,
      logger,
      version: VERSION,
    });
    engine = new DeliveryEngine({
      store,
      retry,
      logger,
      notices,
      observer: {
        recorded(outcomes, result) {
          metrics.recorded(outcomes, result);
          deliveryLog.recorded(outcomes, result);
        },
        breaker(_endpointId, change) {
          metrics.breaker(change);
        },
      },
      dispatcher: attempts,
      health: {
        failingForMs: options.engine?.autoDisableAfterMs ?? DEFAULT_HEALTH_POLICY.failingForMs,
        minConsecutiveFailures: options.engine?.autoDisableMinFailures ?? DEFAULT_HEALTH_POLICY.minConsecutiveFailures,
      },
      leaseMs: options.engine?.leaseMs ?? config.leaseMs,
      ...(options.engine?.perEndpointBuffer === undefined
        ? {}
        : { perEndpointBuffer: options.engine.perEndpointBuffer }),
      ...(options.engine?.maxHeld === undefined ? {} : { maxHeld: options.engine.maxHeld }),
      ...(options.engine?.breaker === undefined ? {} : { breaker: options.engine.breaker }),
    });
    engine.start();
  }
  // Other processes' ingests, resends and recoveries wake this one at once;
  // polling stays the truth if a notification is lost.
  const local = engine;
  const unlisten = local === null ? null : await store.onDue(() => local.wake());

  const retention = new RetentionJob({ store, logger, retentionDays: config.retentionDays });
  retention.start();

  const app: FastifyInstance = config.workersOnly
    ? buildHealthApp(store, { metrics, httpLimits: httpLimits(config.requestTimeoutMs), logger })
    : await buildApp({
        store,
        secretBox: box,
        adminTokenHash: boot.adminTokenHash,
        maxAttempts: retry.maxAttempts,
        allowPrivateTargets: config.allowPrivateTargets,
        version: VERSION,
        loggerInstance: logger,
        metrics,
        apiRateLimit: config.apiRateLimit,
        httpLimits: httpLimits(config.requestTimeoutMs),
        ...(engine === null ? {} : { delivery: engine }),
      });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;

  print(`Herald listening on ${url}`);
  if (boot.newAdminToken !== null) print(`Admin token (shown once, keep it): ${boot.newAdminToken}`);
  if (boot.newOperatorSecret) print(`Operator webhook secret (shown once): ${boot.operatorSecret}`);
  if (boot.demo !== null) {
    print(`Demo account ${boot.demo.accountId}, test secret key (shown once): ${boot.demo.testKey}`);
    if (!config.workersOnly) {
      const link = await createDashboardLink(store, boot.demo.accountId, "test", url);
      print(`Dashboard sign-in (expires in 5 minutes): ${link.url}`);
    }
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await app.close();
      await unlisten?.();
      await retention.stop();
      await engine?.stop(config.deliveryTimeoutMs + 1000);
      await store.close();
      release();
    })();
    return stopping;
  };
  return { url, store, engine, sender: attempts, retention, stop };
}

/** Where attempts are signed and sent: on sender threads, or on this one (`--sender-threads 0`). */
function sender(config: HeraldConfig, box: SecretBox, masterKey: Buffer, logger: Logger): Sender {
  const o = {
    timeoutMs: config.deliveryTimeoutMs,
    allowPrivateTargets: config.allowPrivateTargets,
    secretBox: box,
    version: VERSION,
  };
  if (config.senderThreads === 0) return new Dispatcher(o);
  return new SenderThreads({ ...o, threads: config.senderThreads, masterKey, dnsServers: config.dnsServers, logger });
}
