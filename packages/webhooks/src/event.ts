/**
 * The body of a Herald delivery (contract section 4). `verify()` returns the parsed body with
 * this type by default; pass a type argument for a narrower `data.object`.
 */
export interface WebhookEvent<TObject = Record<string, unknown>> {
  /** `evt_…`, also sent as the `webhook-id` header; the same across retries. */
  id: string;
  object: "event";
  /** e.g. `payment.succeeded` */
  type: string;
  /** unix seconds */
  created: number;
  livemode: boolean;
  data: { object: TObject };
}
