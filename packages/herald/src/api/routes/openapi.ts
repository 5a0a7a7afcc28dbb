import type { Api } from "../type-provider.js";

/** The OpenAPI 3.1 document, generated from the schemas that validate requests. */
export function openapiRoutes(app: Api): void {
  app.get("/openapi.json", { config: { auth: "none" }, schema: { hide: true } }, async () => app.swagger());
}
