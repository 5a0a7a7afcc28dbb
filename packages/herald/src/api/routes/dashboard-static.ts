/**
 * Serves the built dashboard (packages/dashboard/dist) at /dashboard/ on the
 * API's own origin, with a strict Content-Security-Policy. Unknown paths
 * without a file extension get index.html (client-side routes).
 */
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import type { Api } from "../type-provider.js";

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** packages/herald/dist/src/api/routes → packages/dashboard/dist */
const DEFAULT_ROOT = fileURLToPath(new URL("../../../../../dashboard/dist/", import.meta.url));

const NOT_BUILT = `<!doctype html><title>Dashboard not built</title><p>The dashboard is not built: run <code>npm run build</code>.</p>`;

export function dashboardStaticRoutes(app: Api, root = process.env.HERALD_DASHBOARD_DIR ?? DEFAULT_ROOT): void {
  const send = async (reply: FastifyReply, relative: string) => {
    const path = normalize(join(root, relative));
    if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return reply.code(404).send();
    const ext = extname(path);
    try {
      const body = await readFile(path);
      reply
        .header("content-security-policy", DASHBOARD_CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cache-control", relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache")
        .type(TYPES[ext] ?? "application/octet-stream");
      return reply.send(body);
    } catch {
      if (ext !== "" && ext !== ".html") return reply.code(404).type("text/plain").send("Not found");
      try {
        const index = await readFile(join(root, "index.html"));
        return reply
          .header("content-security-policy", DASHBOARD_CSP)
          .header("x-content-type-options", "nosniff")
          .header("cache-control", "no-cache")
          .type(TYPES[".html"] as string)
          .send(index);
      } catch {
        return reply
          .code(503)
          .type(TYPES[".html"] as string)
          .send(NOT_BUILT);
      }
    }
  };
  app.get("/dashboard", { schema: { hide: true } }, (_request, reply) => reply.redirect("/dashboard/"));
  app.get("/dashboard/", { schema: { hide: true } }, (_request, reply) => send(reply, "index.html"));
  app.get<{ Params: { "*": string } }>("/dashboard/*", { schema: { hide: true } }, (request, reply) =>
    send(reply, request.params["*"] || "index.html"),
  );
}
