/**
 * A Fastify type provider for TypeBox schemas: request parts get the static
 * type of their schema, so a handler sees exactly what validation let through.
 * (The same ten lines as `@fastify/type-provider-typebox`, without the package.)
 */
import type { Static, TSchema } from "@sinclair/typebox";
import type { FastifyTypeProvider } from "fastify";

export interface TypeBoxProvider extends FastifyTypeProvider {
  validator: this["schema"] extends TSchema ? Static<this["schema"]> : unknown;
  // Response schemas only document the API (see app.ts: replies are plain
  // JSON.stringify), so a reply is not constrained by them.
  serializer: unknown;
}

import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";

/** The app as route modules see it: request types come from the route schemas. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxProvider
>;
