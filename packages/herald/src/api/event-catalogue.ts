/**
 * The event types Herald knows: the built-in catalogue of contract §5 plus
 * the ones the operator added. Built-in names cannot be redefined.
 */
import { invalid } from "../domain/errors.js";
import { BUILTIN_EVENT_TYPES, typeMatches } from "../domain/event-types.js";
import type { EventType } from "../domain/types.js";
import type { Store } from "../store/store.js";

export const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_EVENT_TYPES.map((t) => t.name));

export async function loadCatalogue(store: Store): Promise<EventType[]> {
  const custom = (await store.listCustomEventTypes()).filter((t) => !BUILTIN_NAMES.has(t.name));
  return [...BUILTIN_EVENT_TYPES, ...custom.sort((a, b) => a.name.localeCompare(b.name))];
}

/** Throws 400 `unknown_event_type` (param `type`) unless `type` is in the catalogue. */
export function requireKnownType(catalogue: readonly EventType[], type: string, param = "type"): void {
  if (!catalogue.some((t) => t.name === type)) {
    throw invalid(
      "unknown_event_type",
      `Unknown event type '${type}': use one of the names GET /v1/event_types lists.`,
      param,
    );
  }
}

/**
 * `enabled_events`: each entry a known type, `prefix.*` matching at least one
 * known type, or `*`. Duplicates are dropped, order kept.
 */
export function checkEnabledEvents(catalogue: readonly EventType[], patterns: readonly string[]): string[] {
  for (const [i, pattern] of patterns.entries()) {
    const known =
      pattern === "*" ||
      (pattern.endsWith(".*")
        ? catalogue.some((t) => typeMatches(pattern, t.name))
        : catalogue.some((t) => t.name === pattern));
    if (!known) {
      throw invalid(
        "unknown_event_type",
        `Unknown event type '${pattern}' in enabled_events[${i}]: use names GET /v1/event_types lists, a prefix such as payment.*, or * for all.`,
        "enabled_events",
      );
    }
  }
  return [...new Set(patterns)];
}
