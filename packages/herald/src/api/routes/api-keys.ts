/**
 * Operator routes: an account's secret keys. Create (the secret is shown
 * once), list, revoke, and roll (a new key of the same mode; the old one
 * keeps working for `expires_in` seconds, like Stripe's roll).
 */
import { newAuditEntry } from "../../domain/audit.js";
import { notFound } from "../../domain/errors.js";
import { ID_PREFIX, newId } from "../../domain/ids.js";
import type { ApiKey } from "../../domain/types.js";
import { hashSecret, newSecretKey } from "../../secrets/api-key.js";
import { actorOf, recordAudit } from "../audit.js";
import type { ApiDeps } from "../deps.js";
import { listJson, pageQuery } from "../pagination.js";
import {
  ApiKeyParams,
  ApiKeySchema,
  CreateApiKeyBody,
  DeletedApiKeySchema,
  RollApiKeyBody,
} from "../schemas/accounts.js";
import { IdParams, ListOf, ListQuery, Ref } from "../schemas/common.js";
import { apiKeyJson, seconds } from "../serialize.js";
import type { Api } from "../type-provider.js";

const tags = ["Accounts"];
const config = { auth: "operator" as const };

export function apiKeyRoutes(app: Api, { store }: ApiDeps): void {
  app.post(
    "/v1/accounts/:id/api_keys",
    {
      config,
      schema: {
        tags,
        summary: "Create a secret key for an account (shown once)",
        params: IdParams,
        body: CreateApiKeyBody,
        response: { 201: Ref(ApiKeySchema) },
      },
    },
    async (request, reply) => {
      const account = await store.getAccount(request.params.id);
      if (account === null) throw notFound("account", request.params.id);
      const secret = newSecretKey(request.body.mode);
      const key = await store.createApiKey(
        {
          id: newId(ID_PREFIX.apiKey),
          accountId: account.id,
          mode: request.body.mode,
          created: Date.now(),
          revokedAt: null,
          expiresAt: null,
        },
        hashSecret(secret),
      );
      await recordAudit(store, request, {
        accountId: account.id,
        mode: key.mode,
        action: "api_key.created",
        objectId: key.id,
        details: { mode: key.mode },
      });
      return reply.code(201).send(apiKeyJson(key, secret));
    },
  );

  app.get(
    "/v1/accounts/:id/api_keys",
    {
      config,
      schema: {
        tags,
        summary: "List an account's secret keys, newest first (never their secrets)",
        params: IdParams,
        querystring: ListQuery({}),
        response: { 200: ListOf(ApiKeySchema, "A page of API keys") },
      },
    },
    async (request) => {
      const account = await store.getAccount(request.params.id);
      if (account === null) throw notFound("account", request.params.id);
      return listJson(await store.listApiKeys(account.id, pageQuery(request.query)), (k) => apiKeyJson(k));
    },
  );

  app.delete(
    "/v1/accounts/:id/api_keys/:key_id",
    {
      config,
      schema: {
        tags,
        summary: "Revoke a secret key now: the next request made with it gets 401",
        params: ApiKeyParams,
        response: { 200: Ref(DeletedApiKeySchema) },
      },
    },
    async (request) => {
      const { id, key_id: keyId } = request.params;
      const now = Date.now();
      const actor = actorOf(request.principal);
      const key = await store.revokeApiKey(id, keyId, now, (k) =>
        newAuditEntry(
          { accountId: id, mode: k.mode, actor, action: "api_key.revoked", objectId: k.id, details: { revoked: true } },
          now,
        ),
      );
      if (key === null) throw notFound("API key", keyId);
      return {
        id: key.id,
        object: "api_key" as const,
        deleted: true as const,
        revoked_at: seconds(key.revokedAt ?? now),
      };
    },
  );

  app.post(
    "/v1/accounts/:id/api_keys/:key_id/roll",
    {
      config,
      schema: {
        tags,
        summary: "Replace a secret key with a new one of the same mode (shown once); the old one expires",
        params: ApiKeyParams,
        body: RollApiKeyBody,
        response: { 200: Ref(ApiKeySchema) },
      },
    },
    async (request) => {
      const { id, key_id: keyId } = request.params;
      const now = Date.now();
      const expiresAt = now + (request.body?.expires_in ?? 0) * 1000;
      const actor = actorOf(request.principal);
      let secret = "";
      const rolled = await store.rollApiKey(id, keyId, expiresAt, (old) => {
        // Drawn here: the new key takes the old key's mode, known only inside the store's transaction.
        secret = newSecretKey(old.mode);
        const key: ApiKey = {
          id: newId(ID_PREFIX.apiKey),
          accountId: id,
          mode: old.mode,
          created: now,
          revokedAt: null,
          expiresAt: null,
        };
        const details = { expires_at: seconds(expiresAt), replaced_by: key.id };
        return {
          key,
          secretHash: hashSecret(secret),
          audit: newAuditEntry(
            { accountId: id, mode: old.mode, actor, action: "api_key.rolled", objectId: old.id, details },
            now,
          ),
        };
      });
      if (rolled === null) throw notFound("API key", keyId);
      return apiKeyJson(rolled.next, secret);
    },
  );
}
