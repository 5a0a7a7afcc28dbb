import { Client } from "pg";

/** The channel writers NOTIFY (inside their transaction, so it is sent at commit) when they made work due. */
export const DUE_CHANNEL = "herald_due";

/** Inside a transaction: the notification goes out when (and only if) it commits. */
export const NOTIFY_DUE_SQL = `SELECT pg_notify('${DUE_CHANNEL}', '')`;

/** The channel writers of API keys and accounts NOTIFY, so other processes drop what they cached. */
export const KEYS_CHANNEL = "herald_keys";

/** As NOTIFY_DUE_SQL, for KEYS_CHANNEL. */
export const NOTIFY_KEYS_SQL = `SELECT pg_notify('${KEYS_CHANNEL}', '')`;

export interface ListenOptions {
  /** First reconnect delay; doubles after each failed try. Default 100 ms. */
  minDelayMs?: number;
  /** Longest reconnect delay. Default 10 000 ms. */
  maxDelayMs?: number;
  /** The channel. Default DUE_CHANNEL. */
  channel?: string;
  /** The connection's application_name (what pg_stat_activity shows). Default "herald-listen". */
  applicationName?: string;
  /** Called when the connection is lost (notifications sent from now on are missed until the listener is called again). */
  onLost?: () => void;
}

/**
 * LISTEN on a dedicated connection (a pooled one would drop the
 * subscription when it goes back to the pool). NOTIFY is a hint, polling is
 * the truth: when the connection drops, notifications sent meanwhile are
 * lost, so after reconnecting (capped, jittered exponential backoff) the
 * listener is called once, as if one had arrived.
 */
export class ChannelListener {
  readonly #url: string;
  readonly #listener: () => void;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #channel: string;
  readonly #applicationName: string;
  readonly #onLost: () => void;
  #client: Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #stopped = false;

  constructor(url: string, listener: () => void, options: ListenOptions = {}) {
    this.#url = url;
    this.#listener = listener;
    this.#minDelay = options.minDelayMs ?? 100;
    this.#maxDelay = options.maxDelayMs ?? 10_000;
    this.#channel = options.channel ?? DUE_CHANNEL;
    this.#applicationName = options.applicationName ?? "herald-listen";
    this.#onLost = options.onLost ?? (() => {});
  }

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    if (client === null) return;
    await client.query(`UNLISTEN ${this.#channel}`).catch(() => {});
    await client.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new Client({
      connectionString: this.#url,
      keepAlive: true,
      application_name: this.#applicationName,
    });
    client.on("notification", (n) => {
      if (n.channel === this.#channel) this.#listener();
    });
    // 'error' and then 'end' arrive when the server goes away: either one starts the reconnect.
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  #lost(client: Client): void {
    if (client !== this.#client || this.#stopped) return;
    this.#client = null;
    this.#onLost();
    client.end().catch(() => {});
    this.#reconnectLater();
  }

  #reconnectLater(): void {
    const delay = Math.min(this.#maxDelay, this.#minDelay * 2 ** this.#failures) * (0.8 + Math.random() * 0.4);
    this.#failures++;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect().then(
        () => {
          if (this.#stopped) return;
          this.#failures = 0;
          // Work may have become due while nobody listened.
          this.#listener();
        },
        () => {
          if (!this.#stopped) this.#reconnectLater();
        },
      );
    }, delay);
  }
}
