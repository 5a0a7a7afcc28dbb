/**
 * Request validation, in two Ajv configurations:
 * - bodies are JSON: no type coercion (`"10"` is not a number) and unknown
 *   fields are errors, not silently dropped;
 * - querystrings, params and headers are text: coerced (`?limit=10` is a
 *   number), with defaults applied.
 * Ajv's first error becomes one contract error with the field's path in `param`.
 */
import { Ajv, type ErrorObject, type Options } from "ajv";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
import { HeraldError } from "../domain/errors.js";

const common: Options = {
  allErrors: false,
  removeAdditional: false,
  // The errors carry the offending value and its schema, for the messages below.
  verbose: true,
  strict: true,
  strictTypes: false,
  // `x-hint`: how to fix a `pattern` mismatch, in words (an OpenAPI extension too).
  keywords: ["x-hint"],
};

export function installValidation(app: FastifyInstance): void {
  const body = new Ajv({ ...common, coerceTypes: false, useDefaults: false });
  const text = new Ajv({ ...common, coerceTypes: true, useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === "body" ? body : text).compile(schema));
}

/** Fastify's `schemaErrorFormatter`: Ajv errors → the contract's 400. */
export function formatValidationErrors(errors: FastifySchemaValidationError[], part: string): HeraldError {
  const list = errors as unknown as ErrorObject[];
  const error = pickError(list);
  if (error === undefined) return new HeraldError("invalid_request_error", "parameter_invalid", `Invalid ${part}.`);
  return describe(error, list, part);
}

/**
 * With `allErrors: false` Ajv stops at the first failure, but a failed
 * `anyOf` (nullable fields) is preceded by one error per branch. Prefer a
 * branch that failed on a constraint (the type matched) over a type mismatch.
 */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const last = errors.at(-1);
  if (last?.keyword !== "anyOf") return errors[0];
  return errors.find((e) => e.keyword !== "type" && e.keyword !== "anyOf") ?? last;
}

function describe(error: ErrorObject, all: ErrorObject[], part: string): HeraldError {
  const params = error.params as Record<string, unknown>;
  const where = pathOf(error.instancePath, part);
  if (error.keyword === "required") {
    const param = join(where, String(params.missingProperty), part);
    return new HeraldError("invalid_request_error", "parameter_missing", `Missing required parameter: ${param}.`, {
      param,
    });
  }
  if (error.keyword === "additionalProperties") {
    const param = join(where, String(params.additionalProperty), part);
    const what = part === "body" ? "parameter" : part === "querystring" ? "query parameter" : `${part} parameter`;
    return new HeraldError(
      "invalid_request_error",
      "parameter_unknown",
      `Received unknown ${what}: ${param}. Check its spelling; GET /openapi.json lists the accepted fields.`,
      { param },
    );
  }
  if (where === "" && part === "body" && error.keyword === "type") {
    return new HeraldError("invalid_request_error", "parameter_invalid", "The request body must be a JSON object.");
  }
  const param = where === "" ? part : where;
  return new HeraldError("invalid_request_error", "parameter_invalid", `Invalid ${param}: ${problem(error, all)}.`, {
    param,
  });
}

function problem(error: ErrorObject, all: ErrorObject[]): string {
  const p = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const name = typeof error.propertyName === "string" ? error.propertyName : undefined;
  if (name !== undefined || error.keyword === "propertyNames") {
    const key = name ?? String(p.propertyName);
    const inner = all.find((e) => e.propertyName !== undefined);
    return `the key '${key}' ${inner === undefined ? "is not allowed" : problem({ ...inner, propertyName: undefined }, [])}`;
  }
  switch (error.keyword) {
    case "type":
      return `expected ${article(String(p.type))}, got ${kindOf(error.data)}`;
    case "anyOf": {
      const types = all.filter((e) => e.keyword === "type").map((e) => article(String(e.params.type)));
      return types.length > 0 ? `expected ${types.join(" or ")}, got ${kindOf(error.data)}` : "not an accepted value";
    }
    case "enum":
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(", ")}`;
    case "const":
      return `expected ${JSON.stringify(p.allowedValue)}`;
    case "minLength":
      return p.limit === 1 ? "must not be empty" : `must be at least ${p.limit} characters long`;
    case "maxLength":
      return `must be at most ${p.limit} characters long`;
    case "minimum":
      return `must be at least ${p.limit}`;
    case "maximum":
      return `must be at most ${p.limit}`;
    case "minItems":
      return p.limit === 1 ? "must contain at least one item" : `must contain at least ${p.limit} items`;
    case "maxItems":
      return `must contain at most ${p.limit} items`;
    case "maxProperties":
      return `must have at most ${p.limit} keys`;
    case "pattern":
      return typeof schema["x-hint"] === "string" ? schema["x-hint"] : `must match ${String(p.pattern)}`;
    default:
      return error.message ?? "not an accepted value";
  }
}

/** `/enabled_events/0` → `enabled_events[0]`, `/data/object` → `data.object`; header names as usually written. */
function pathOf(instancePath: string, part: string): string {
  if (instancePath === "") return "";
  const segments = instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (part === "headers") return segments.map(headerCase).join(".");
  let out = "";
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out === "" ? s : `.${s}`;
  return out;
}

function join(parent: string, child: string, part: string): string {
  const name = part === "headers" ? headerCase(child) : child;
  return parent === "" ? name : `${parent}.${name}`;
}

function headerCase(name: string): string {
  return name
    .split("-")
    .map((w) => (w === "" ? w : w[0]?.toUpperCase() + w.slice(1)))
    .join("-");
}

function article(type: string): string {
  if (type === "null") return "null";
  if (type === "boolean") return "a boolean (true or false)";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  if (typeof value === "object") return "an object";
  return article(typeof value);
}
