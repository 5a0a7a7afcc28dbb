import { STRIPE_SIGNATURE_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from "./header-names.js";

// RFC 9110 token characters; anything else would make fetch() throw at delivery time, or
// silently never match on the receiving side.
const TOKEN = /^[!#$%&'*+\-.^`|~\w]+$/;

// Names with a fixed meaning: reusing one would overwrite webhook-id or make scheme
// detection pick the wrong scheme.
const RESERVED = new Set([WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, STRIPE_SIGNATURE_HEADER]);

/** The configurable header names of the hmac schemes, validated and lower-cased. */
export interface CustomHeaderNames {
  readonly signatureHeader: string;
  readonly timestampHeader: string;
}

/**
 * Validates and lower-cases the `signatureHeader` and `timestampHeader` options.
 *
 * @throws TypeError when a name is not an HTTP token, is reserved by another scheme, or both
 * names are the same (the timestamp would overwrite the signature)
 */
export function customHeaderNames(signatureHeader: string, timestampHeader: string): CustomHeaderNames {
  const names = {
    signatureHeader: headerNameOption(signatureHeader, "signatureHeader"),
    timestampHeader: headerNameOption(timestampHeader, "timestampHeader"),
  };
  if (names.signatureHeader === names.timestampHeader) {
    throw new TypeError(`signatureHeader and timestampHeader are both ${names.signatureHeader}`);
  }
  return names;
}

function headerNameOption(name: string, optionName: string): string {
  if (!TOKEN.test(name)) {
    throw new TypeError(`${optionName} must be an HTTP header name, got ${JSON.stringify(name)}`);
  }
  const lowerCase = name.toLowerCase();
  if (RESERVED.has(lowerCase)) {
    throw new TypeError(`${optionName} cannot be ${lowerCase}, another header of Herald uses it`);
  }
  return lowerCase;
}
