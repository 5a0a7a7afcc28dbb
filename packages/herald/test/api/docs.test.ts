/**
 * The API description: /openapi.json is a valid OpenAPI 3.1 document (checked
 * by an independent validator) and /docs renders it offline, from files
 * Herald serves itself.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { type ApiHarness, type Json, startApi } from "../helpers/harness.js";

describe("API documentation", () => {
  let h: ApiHarness;
  let doc: Json;

  before(async () => {
    h = await startApi();
    doc = (await h.api("GET", "/openapi.json", undefined, null)).body;
  });
  after(() => h.close());

  test("/openapi.json is a valid OpenAPI 3.1 document whose references all resolve", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, "3.1");
    assert.doesNotThrow(() => validator.resolveRefs());
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      assert.ok(name !== undefined && doc.components.schemas[name], `dangling ${ref}`);
    }
  });

  test("every operation has a summary, a tag, a success answer and, when authenticated, the error shape", () => {
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        assert.ok(op.summary, `${where} has a summary`);
        assert.ok(op.tags?.length, `${where} has a tag`);
        assert.ok(
          Object.keys(op.responses).some((s) => s.startsWith("2")),
          `${where} documents its success`,
        );
        if (op.security.length > 0) assert.ok(op.responses["4XX"], `${where} documents its errors`);
      }
    }
    for (const tag of new Set(
      Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((ops) =>
        Object.values(ops).flatMap((op) => op.tags),
      ),
    )) {
      assert.ok(
        doc.tags.some((t: Json) => t.name === tag && t.description),
        `tag ${tag} is described at the top level`,
      );
    }
  });

  test("/docs is an HTML page under a strict CSP whose scripts and styles all load", async () => {
    const page = await h.api("GET", "/docs", undefined, null);
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    const csp = String(page.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self'(;|$)/, "no inline or remote script");
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(page.text, /<script>[^<]/, "no inline script");
    assert.doesNotMatch(page.text, /https?:\/\//, "nothing from another origin (no CDN)");
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(assets.includes("/docs/assets/swagger-ui-bundle.js") && assets.includes("/docs/init.js"), assets.join());
    for (const asset of assets) {
      const res = await h.api("GET", asset, undefined, null);
      assert.equal(res.status, 200, asset);
      assert.ok(res.text.length > 0, asset);
    }
    const init = await h.api("GET", "/docs/init.js", undefined, null);
    assert.match(init.text, /url: "\/openapi\.json"/);
    assert.match(String(init.headers["content-type"]), /javascript/);
  });

  test("serves only the page's own assets from the package folder", async () => {
    for (const path of [
      "/docs/assets/package.json",
      "/docs/assets/..%2F..%2Fpackage.json",
      "/docs/assets/index.html",
    ]) {
      assert.equal((await h.api("GET", path, undefined, null)).status, 404, path);
    }
  });
});
