import { escapeLiteral } from "pg";

/**
 * Values for simple-protocol messages of several statements, which take no
 * bound parameters (the extended protocol allows one statement per
 * message): JSON text escaped by pg itself and cast to `json`, unpacked by
 * the server (`json_to_recordset`, `json_array_elements_text`).
 */
export function jsonLiteral(value: unknown): string {
  return `${escapeLiteral(JSON.stringify(value))}::json`;
}

/** A text[] for `= ANY(…)`, as an SQL expression. */
export function textArrayLiteral(values: readonly string[]): string {
  return `ARRAY(SELECT json_array_elements_text(${jsonLiteral(values)}))`;
}
