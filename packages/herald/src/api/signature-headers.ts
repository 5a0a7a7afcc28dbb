/**
 * `signature_header` / `timestamp_header` of an endpoint. They only mean
 * something for the schemes that let the receiver name its headers (`hmac`,
 * `hmac-timestamp`); there the defaults are stored explicitly so the API
 * shows exactly which headers will be sent.
 */
import { DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER, type SignatureScheme } from "@herald/webhooks";
import { invalid } from "../domain/errors.js";

/** Headers Herald sets itself on every delivery; a signature in one of them would clash. */
const RESERVED = new Set([
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "connection",
  "transfer-encoding",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
]);

export function signatureHeaders(
  scheme: SignatureScheme,
  signatureHeader: string | undefined,
  timestampHeader: string | undefined,
): { signatureHeader: string | null; timestampHeader: string | null } {
  if (scheme === "standard" || scheme === "stripe") {
    const given =
      signatureHeader !== undefined ? "signature_header" : timestampHeader !== undefined ? "timestamp_header" : null;
    if (given !== null) {
      throw invalid(
        "parameter_invalid",
        `Invalid ${given}: the ${scheme} scheme uses fixed header names; ${given} applies to the hmac and hmac-timestamp schemes only.`,
        given,
      );
    }
    return { signatureHeader: null, timestampHeader: null };
  }
  if (scheme === "hmac" && timestampHeader !== undefined) {
    throw invalid(
      "parameter_invalid",
      "Invalid timestamp_header: the hmac scheme sends no timestamp; use hmac-timestamp for one.",
      "timestamp_header",
    );
  }
  const signature = signatureHeader ?? DEFAULT_SIGNATURE_HEADER;
  const timestamp = scheme === "hmac-timestamp" ? (timestampHeader ?? DEFAULT_TIMESTAMP_HEADER) : null;
  for (const [param, name] of [
    ["signature_header", signature],
    ["timestamp_header", timestamp],
  ] as const) {
    if (name !== null && RESERVED.has(name.toLowerCase())) {
      throw invalid(
        "parameter_invalid",
        `Invalid ${param}: ${name} is a header Herald sets itself; pick another name.`,
        param,
      );
    }
  }
  if (timestamp !== null && timestamp.toLowerCase() === signature.toLowerCase()) {
    throw invalid(
      "parameter_invalid",
      "Invalid timestamp_header: it must differ from the signature header.",
      "timestamp_header",
    );
  }
  return { signatureHeader: signature, timestampHeader: timestamp };
}
