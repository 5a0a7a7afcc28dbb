import { Type } from "@sinclair/typebox";
import { Body, Nullable, StringEnum, UnixSeconds } from "./common.js";

export const PLANS = ["free", "pro", "business"] as const;
export const MODES = ["test", "live"] as const;

const Name = Type.String({ minLength: 1, maxLength: 200, description: "Display name, 1–200 characters." });
const PlanField = StringEnum(PLANS, { description: "`free` accounts cannot use the webhook APIs." });

export const CreateAccountBody = Body({ name: Name, plan: Type.Optional(PlanField) });
export const UpdateAccountBody = Body({ name: Type.Optional(Name), plan: Type.Optional(PlanField) });
export const CreateApiKeyBody = Body({
  mode: StringEnum(MODES, { description: "`test` keys see only test objects, `live` keys only live ones." }),
});

export const AccountSchema = Type.Object(
  {
    id: Type.String({ description: "`acct_…`" }),
    object: Type.Literal("account"),
    name: Type.String(),
    plan: StringEnum(PLANS),
    created: UnixSeconds("Creation time"),
  },
  { $id: "Account" },
);

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ description: "`key_…`" }),
    object: Type.Literal("api_key"),
    mode: StringEnum(MODES),
    secret: Type.Optional(
      Type.String({
        description:
          "`sk_test_…` or `sk_live_…`. Only in the answers of create and roll (the new key); Herald keeps a hash.",
      }),
    ),
    created: UnixSeconds("Creation time"),
    revoked: Type.Boolean({ description: "True once revoked: the key is refused (401 `invalid_api_key`)." }),
    revoked_at: Nullable(UnixSeconds("When it was revoked")),
    expires_at: Nullable(
      UnixSeconds("When a rolled key stops working; null: it does not expire (it was never rolled)"),
    ),
  },
  { $id: "ApiKey" },
);

export const ApiKeyParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255, description: "`acct_…`" }),
    key_id: Type.String({ minLength: 1, maxLength: 255, description: "`key_…`" }),
  },
  { additionalProperties: false },
);

/** Stripe's limit: the old key may live on for at most 7 days. */
export const MAX_ROLL_EXPIRES_IN_S = 7 * 86_400;

export const RollApiKeyBody = Body({
  expires_in: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_ROLL_EXPIRES_IN_S,
      description: "Seconds the old key keeps working, 0–604800 (7 days). Default 0: it stops now.",
    }),
  ),
});

export const DeletedApiKeySchema = Type.Object(
  {
    id: Type.String({ description: "`key_…`" }),
    object: Type.Literal("api_key"),
    deleted: Type.Literal(true),
    revoked_at: UnixSeconds("When it was revoked (the first time, if it already was)"),
  },
  { $id: "DeletedApiKey" },
);
