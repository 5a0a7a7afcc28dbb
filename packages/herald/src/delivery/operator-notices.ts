/**
 * Operational notices for the platform's operator (`webhook_endpoint.disabled`,
 * `delivery.exhausted`), POSTed to `--operator-webhook-url` and signed in the
 * `standard` scheme with the operator secret. They are sent best-effort with
 * a few quick retries and always logged, so an operator without a notice URL
 * still finds them in the logs.
 */
import { signatureHeaders } from "@herald/webhooks";
import type { Logger } from "pino";
import { request } from "undici";
import { ID_PREFIX, newId } from "../domain/ids.js";

export type NoticeType = "webhook_endpoint.disabled" | "delivery.exhausted";

export interface OperatorNoticesOptions {
  /** Default none: notices are only logged. */
  url: string | null;
  /** `whsec_…`, signs the notices. */
  secret: string;
  logger: Logger;
  version: string;
  /** Tries per notice. Default 3. */
  tries?: number;
  /** Per-try timeout in ms. Default 5000. */
  timeoutMs?: number;
}

export class OperatorNotices {
  readonly #o: OperatorNoticesOptions;
  readonly #pending = new Set<Promise<void>>();

  constructor(o: OperatorNoticesOptions) {
    this.#o = o;
  }

  notify(type: NoticeType, object: Record<string, unknown>): void {
    const id = newId(ID_PREFIX.event);
    const created = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id, object: "event", type, created, livemode: true, data: { object } });
    this.#o.logger.warn({ notice: type, notice_id: id, object }, `operator notice ${type}`);
    if (this.#o.url === null) return;
    const p = this.#send(id, created, body).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async #send(id: string, created: number, body: string): Promise<void> {
    const url = this.#o.url as string;
    const tries = this.#o.tries ?? 3;
    for (let i = 1; i <= tries; i++) {
      try {
        const res = await request(url, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "user-agent": `Herald/${this.#o.version}`,
            ...signatureHeaders({ scheme: "standard", secrets: [this.#o.secret], id, timestamp: created, body }),
          },
          headersTimeout: this.#o.timeoutMs ?? 5000,
          bodyTimeout: this.#o.timeoutMs ?? 5000,
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          this.#o.logger.info({ notice_id: id, status: res.statusCode }, "operator notice delivered");
          return;
        }
        this.#o.logger.warn({ notice_id: id, status: res.statusCode, try: i }, "operator notice refused");
      } catch (err) {
        this.#o.logger.warn({ notice_id: id, err: String(err), try: i }, "operator notice failed");
      }
      // Capped, jittered backoff: 0.5 s, 1 s, 2 s … ±20 %.
      if (i < tries)
        await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** (i - 1)) * (0.8 + Math.random() * 0.4)));
    }
  }

  /** Waits for notices still being sent (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
