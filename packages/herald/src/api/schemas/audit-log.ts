import { Type } from "@sinclair/typebox";
import { ListQuery, Nullable, UnixSeconds } from "./common.js";

export const AuditLogEntrySchema = Type.Object(
  {
    id: Type.String({ description: "`aud_…`" }),
    object: Type.Literal("audit_log_entry"),
    account: Type.String({ description: "`acct_…` whose configuration changed" }),
    livemode: Nullable(
      Type.Boolean({ description: "The mode of the object changed; null for account-wide changes (operator only)." }),
    ),
    actor: Type.String({
      description: "`operator`, `api_key:key_…`, `dashboard` (a signed-in session) or `herald` (e.g. an auto-disable).",
    }),
    action: Type.String({ description: "e.g. `webhook_endpoint.created`, `api_key.revoked`." }),
    object_id: Type.String({ description: "The id of the object changed." }),
    details: Type.Record(Type.String(), Type.Unknown(), {
      description: "What changed: field names and their new values. Never a secret.",
    }),
    created: UnixSeconds("When the change was made"),
  },
  { $id: "AuditLogEntry" },
);

export const AuditLogQuery = ListQuery({
  account: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: "Operator token only: just this account's entries (`acct_…`). A secret key always sees its own.",
    }),
  ),
});
