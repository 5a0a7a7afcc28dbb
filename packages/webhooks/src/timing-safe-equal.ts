import { timingSafeEqual } from "node:crypto";

/** Strings up to this many UTF-8 bytes each are compared in a reused scratch buffer. */
const SCRATCH_BYTES = 512;

// Allocating a fresh zero-filled buffer per call cost more than the HMAC it guards, so one
// scratch buffer is reused. Safe because the function is synchronous: no other call can run
// between filling the buffer and comparing it. Longer inputs (an attacker's oversized header)
// get a one-off buffer so the shared one never grows.
const scratch = Buffer.alloc(SCRATCH_BYTES * 2);

/**
 * Compares two strings in time that depends only on the longer one's length.
 *
 * Both are written into zero-padded regions of the same size and compared with
 * crypto.timingSafeEqual; the lengths are compared only after that. So there is no early
 * return on a length mismatch (crypto.timingSafeEqual itself throws on one) and none on the
 * first differing byte. The padding cannot make different strings equal: strings of
 * different lengths fail the length check, equal-length ones are compared whole.
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const aLength = Buffer.byteLength(a, "utf8");
  const bLength = Buffer.byteLength(b, "utf8");
  const size = Math.max(aLength, bLength);
  const buffer = size <= SCRATCH_BYTES ? scratch.fill(0, 0, size * 2) : Buffer.alloc(size * 2);
  buffer.write(a, 0, "utf8");
  buffer.write(b, size, "utf8");
  const sameBytes = timingSafeEqual(buffer.subarray(0, size), buffer.subarray(size, size * 2));
  return sameBytes && aLength === bLength;
}
