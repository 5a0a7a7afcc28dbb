/**
 * Building blocks shared by the route schemas. Request schemas stay inline
 * (no `$ref`), so the validator needs no shared-schema registry; response
 * objects are registered once (`$id`) and referenced, so the OpenAPI document
 * lists them as components.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** A string enum as `{type: "string", enum: [...]}`: one clear error and one clear OpenAPI entry. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** Body schemas reject unknown fields (`parameter_unknown`) instead of dropping them. */
export function Body<T extends Record<string, TSchema>>(properties: T, options: { description?: string } = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
export type IdParams = Static<typeof IdParams>;

/** `?limit=&starting_after=&ending_before=`, merged into every list route's querystring. */
export const PageQueryFields = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: "How many objects to return, 1–100." }),
  starting_after: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: "Return objects older than this id (the next page)." }),
  ),
  ending_before: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: "Return objects newer than this id (the previous page).",
    }),
  ),
};

export function ListQuery<T extends Record<string, TSchema>>(filters: T) {
  return Type.Object({ ...PageQueryFields, ...filters }, { additionalProperties: false });
}

/** `{object: "list", data, has_more}` of a registered response component. */
export function ListOf(item: TSchema & { $id?: string }, description: string) {
  return Type.Object(
    {
      object: Type.Literal("list"),
      data: Type.Array(item.$id === undefined ? item : Type.Ref(item.$id)),
      has_more: Type.Boolean(),
    },
    { description },
  );
}

/** A registered component, referenced by its `$id`. */
export function Ref(schema: TSchema & { $id?: string }) {
  if (schema.$id === undefined) throw new Error("Only schemas with an $id can be referenced.");
  return Type.Ref(schema.$id);
}

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      type: StringEnum([
        "invalid_request_error",
        "authentication_error",
        "permission_error",
        "not_found",
        "conflict",
        "rate_limit_error",
        "api_error",
      ] as const),
      code: Type.String({ description: "Machine-readable reason, e.g. `parameter_invalid`, `url_taken`." }),
      message: Type.String({ description: "What went wrong and how to fix it." }),
      param: Type.Optional(Type.String({ description: "The parameter at fault, e.g. `enabled_events[0]`." })),
    }),
  },
  { $id: "Error", description: "Every error Herald answers with." },
);

export const UnixSeconds = (description: string) => Type.Integer({ description: `${description} (unix seconds).` });
