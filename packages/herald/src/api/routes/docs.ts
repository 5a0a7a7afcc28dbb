/**
 * GET /docs: the OpenAPI document in Swagger UI, served from the
 * `swagger-ui-dist` package (no CDN, works offline). The page loads only
 * same-origin scripts (no inline script), so it runs under a strict
 * Content-Security-Policy; Swagger UI sets inline styles, hence
 * `style-src 'unsafe-inline'`.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Api } from "../type-provider.js";

const require = createRequire(import.meta.url);

/** The files the page uses, and nothing else of the package's folder. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Herald API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" sizes="32x32" href="/docs/assets/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// A file rather than an inline <script>, so script-src needs no 'unsafe-inline'.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  validatorUrl: null,
});
`;

export function docsRoutes(app: Api): void {
  const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, Buffer>();
  const config = { auth: "none" as const };
  const schema = { hide: true };

  app.get("/docs", { config, schema }, async (_request, reply) =>
    reply.header("content-security-policy", DOCS_CSP).type("text/html; charset=utf-8").send(PAGE),
  );
  app.get("/docs/init.js", { config, schema }, async (_request, reply) =>
    reply.type("text/javascript; charset=utf-8").send(INIT),
  );
  app.get<{ Params: { file: string } }>("/docs/assets/:file", { config, schema }, async (request, reply) => {
    const file = request.params.file;
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) return reply.callNotFound();
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = await readFile(join(dir, file));
      cache.set(file, bytes);
    }
    return reply.header("cache-control", "public, max-age=3600").type(type).send(bytes);
  });
}
