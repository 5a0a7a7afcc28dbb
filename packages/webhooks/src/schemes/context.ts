import type { HeadersLike } from "../headers.js";
import type { RawBody } from "../hmac.js";

/** What a scheme needs to sign one delivery; defaults already applied by signatureHeaders(). */
export interface SchemeSignInput {
  readonly secrets: readonly string[];
  readonly id: string;
  readonly timestamp: number;
  readonly body: RawBody;
  /** lower-case */
  readonly signatureHeader: string;
  /** lower-case */
  readonly timestampHeader: string;
}

/** What a scheme needs to verify one webhook; defaults already applied by verify(). */
export interface SchemeVerifyInput {
  readonly body: RawBody;
  readonly headers: HeadersLike;
  readonly secret: string;
  /** lower-case */
  readonly signatureHeader: string;
  /** lower-case */
  readonly timestampHeader: string;
  readonly toleranceSeconds: number;
  readonly nowSeconds: () => number;
}
