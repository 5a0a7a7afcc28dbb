/** Operator routes: accounts (their secret keys: api-keys.ts). */
import { notFound } from "../../domain/errors.js";
import { ID_PREFIX, newId } from "../../domain/ids.js";
import { pick, recordAudit } from "../audit.js";
import type { ApiDeps } from "../deps.js";
import { listJson, pageQuery } from "../pagination.js";
import { AccountSchema, CreateAccountBody, UpdateAccountBody } from "../schemas/accounts.js";
import { IdParams, ListOf, ListQuery, Ref } from "../schemas/common.js";
import { accountJson } from "../serialize.js";
import type { Api } from "../type-provider.js";

const tags = ["Accounts"];
const config = { auth: "operator" as const };

export function accountRoutes(app: Api, { store }: ApiDeps): void {
  app.post(
    "/v1/accounts",
    {
      config,
      schema: { tags, summary: "Create an account", body: CreateAccountBody, response: { 201: Ref(AccountSchema) } },
    },
    async (request, reply) => {
      const account = await store.createAccount({
        id: newId(ID_PREFIX.account),
        name: request.body.name,
        plan: request.body.plan ?? "pro",
        created: Date.now(),
      });
      const json = accountJson(account);
      await recordAudit(store, request, {
        accountId: account.id,
        mode: null,
        action: "account.created",
        objectId: account.id,
        details: pick(json, ["name", "plan"]),
      });
      return reply.code(201).send(json);
    },
  );

  app.get(
    "/v1/accounts",
    {
      config,
      schema: {
        tags,
        summary: "List accounts, newest first",
        querystring: ListQuery({}),
        response: { 200: ListOf(AccountSchema, "A page of accounts") },
      },
    },
    async (request) => listJson(await store.listAccounts(pageQuery(request.query)), accountJson),
  );

  app.get(
    "/v1/accounts/:id",
    {
      config,
      schema: { tags, summary: "Retrieve an account", params: IdParams, response: { 200: Ref(AccountSchema) } },
    },
    async (request) => {
      const account = await store.getAccount(request.params.id);
      if (account === null) throw notFound("account", request.params.id);
      return accountJson(account);
    },
  );

  app.patch(
    "/v1/accounts/:id",
    {
      config,
      schema: {
        tags,
        summary: "Rename an account or change its plan",
        params: IdParams,
        body: UpdateAccountBody,
        response: { 200: Ref(AccountSchema) },
      },
    },
    async (request) => {
      const patch: { name?: string; plan?: "free" | "pro" | "business" } = {};
      if (request.body.name !== undefined) patch.name = request.body.name;
      if (request.body.plan !== undefined) patch.plan = request.body.plan;
      const account = await store.updateAccount(request.params.id, patch);
      if (account === null) throw notFound("account", request.params.id);
      const json = accountJson(account);
      await recordAudit(store, request, {
        accountId: account.id,
        mode: null,
        action: "account.updated",
        objectId: account.id,
        details: pick(json, Object.keys(patch)),
      });
      return json;
    },
  );
}
