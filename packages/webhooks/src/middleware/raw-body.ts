/** Herald sends at most 256 KiB; 1 MiB leaves room and still bounds what a stranger can make you buffer. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Why a request's body could not be handed to `verify()`.
 *
 * - `body_too_large` (413): more bytes than the `bodyLimit` option allows.
 * - `body_already_parsed` (500): a JSON parser (e.g. `express.json()`) read the body before
 *   the webhook middleware; the raw bytes are gone and no signature could ever match. A
 *   server misconfiguration, so a 5xx: the sender retries once it is fixed.
 */
export type WebhookRequestErrorCode = "body_too_large" | "body_already_parsed";

/** Thrown by the middleware when the raw body cannot be had. `status` is the answer to send. */
export class WebhookRequestError extends Error {
  override readonly name = "WebhookRequestError";
  readonly code: WebhookRequestErrorCode;
  readonly status: 413 | 500;

  constructor(code: WebhookRequestErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = code === "body_too_large" ? 413 : 500;
  }
}

/**
 * Reads a request stream to its end, exactly as received, refusing more than `limit` bytes.
 *
 * @param stream - a Node `IncomingMessage` or any async iterable of chunks
 * @param declaredLength - the `content-length` header, to refuse an oversized body before
 * reading it
 * @throws WebhookRequestError `body_too_large`
 */
export async function readRawBody(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number = DEFAULT_BODY_LIMIT,
  declaredLength?: string | undefined,
): Promise<Buffer> {
  if (declaredLength !== undefined && Number(declaredLength) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    length += bytes.length;
    // Leaving the loop destroys the stream: an oversized chunked body costs its sender the
    // connection rather than us the memory.
    if (length > limit) throw tooLarge(limit);
    chunks.push(bytes);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
}

function tooLarge(limit: number): WebhookRequestError {
  return new WebhookRequestError("body_too_large", `the webhook body is larger than ${limit} bytes`);
}
