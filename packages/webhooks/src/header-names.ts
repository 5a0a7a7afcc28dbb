// Header names are kept lower-case: HTTP header names are case-insensitive, HTTP/2 requires
// lower case on the wire, and Node's IncomingHttpHeaders already uses lower case, so lookups
// hit on the first try.

/** The event id, sent by every scheme so receivers can de-duplicate. */
export const WEBHOOK_ID_HEADER = "webhook-id";
/** Standard Webhooks: unix seconds of the signature. */
export const WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
/** Standard Webhooks: space-separated `v1,<base64>` signatures. */
export const WEBHOOK_SIGNATURE_HEADER = "webhook-signature";
/** Stripe scheme: `t=<ts>,v1=<hex>[,v1=<hex>]`. */
export const STRIPE_SIGNATURE_HEADER = "stripe-signature";
/** Default signature header of the `hmac-timestamp` and `hmac` schemes. */
export const DEFAULT_SIGNATURE_HEADER = "X-Webhook-Signature";
/** Default timestamp header of the `hmac-timestamp` scheme. */
export const DEFAULT_TIMESTAMP_HEADER = "X-Webhook-Timestamp";
