import { Type } from "@sinclair/typebox";
import { Body, StringEnum, UnixSeconds } from "./common.js";

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
    secret: Type.String({ description: "`sk_test_…` or `sk_live_…`. Shown only in this answer; Herald keeps a hash." }),
    created: UnixSeconds("Creation time"),
  },
  { $id: "ApiKey" },
);
