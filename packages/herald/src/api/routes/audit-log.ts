/** `GET /v1/audit_log`: who changed what. */
import type { AuditEntry, AuditQuery } from "../../domain/audit.js";
import { invalid } from "../../domain/errors.js";
import type { ApiDeps } from "../deps.js";
import { listJson, pageQuery } from "../pagination.js";
import { AuditLogEntrySchema, AuditLogQuery } from "../schemas/audit-log.js";
import { ListOf } from "../schemas/common.js";
import { seconds } from "../serialize.js";
import type { Api } from "../type-provider.js";

export function auditLogEntryJson(e: AuditEntry) {
  return {
    id: e.id,
    object: "audit_log_entry" as const,
    account: e.accountId,
    livemode: e.mode === null ? null : e.mode === "live",
    actor: e.actor,
    action: e.action,
    object_id: e.objectId,
    details: e.details,
    created: seconds(e.created),
  };
}

export function auditLogRoutes(app: Api, { store }: ApiDeps): void {
  app.get(
    "/v1/audit_log",
    {
      // The log is about the account's own configuration: readable on every plan.
      config: { auth: "operator_or_account" as const, freePlan: true },
      schema: {
        tags: ["Audit log"],
        summary:
          "Who changed what, newest first: a secret key sees its account and mode, the operator token every account",
        querystring: AuditLogQuery,
        response: { 200: ListOf(AuditLogEntrySchema, "A page of audit log entries") },
      },
    },
    async (request) => {
      const principal = request.principal;
      let query: AuditQuery;
      if (principal?.kind === "account") {
        if (request.query.account !== undefined && request.query.account !== principal.account.id) {
          throw invalid(
            "parameter_invalid",
            "`account` filters the operator's view; a secret key sees only its own account's entries.",
            "account",
          );
        }
        query = { accountId: principal.scope.accountId, mode: principal.scope.mode };
      } else {
        query = request.query.account === undefined ? {} : { accountId: request.query.account };
      }
      return listJson(await store.listAuditLog(query, pageQuery(request.query)), auditLogEntryJson);
    },
  );
}
