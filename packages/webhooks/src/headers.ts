/** Anything with a WHATWG-style `get(name)`, e.g. `Headers` from fetch, undici or a Request. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** A plain header object, e.g. Node's `IncomingHttpHeaders` (Express, Fastify, `node:http`). */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Request headers in any of the usual shapes: a WHATWG `Headers`, Node's
 * `IncomingHttpHeaders`, or a plain object. Names are matched case-insensitively.
 */
export type HeadersLike = HeaderGetter | HeaderRecord;

/**
 * The value of a header, or undefined when it is absent or empty.
 *
 * Repeated headers (an array in Node's shape) are joined with ", " as HTTP field combination
 * does, which is also what `Headers.get()` returns; the signature parsers accept that form.
 *
 * @param lowerCaseName - the header name, already lower-case
 */
export function headerValue(headers: HeadersLike, lowerCaseName: string): string | undefined {
  const value = isHeaderGetter(headers) ? headers.get(lowerCaseName) : recordValue(headers, lowerCaseName);
  if (value === null || value === undefined) return undefined;
  const text = typeof value === "string" ? value : value.join(", ");
  return text.length > 0 ? text : undefined;
}

function isHeaderGetter(headers: HeadersLike): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === "function";
}

function recordValue(headers: HeaderRecord, lowerCaseName: string): string | readonly string[] | undefined {
  // Fast path: Node and most frameworks already hand out lower-case names. Object.hasOwn
  // keeps a header named like an Object.prototype member from reading the prototype.
  if (Object.hasOwn(headers, lowerCaseName)) return headers[lowerCaseName];
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === lowerCaseName) return headers[name];
  }
  return undefined;
}
