import { defineConfig } from "vite";

// Served by Herald at /dashboard/ on the API's origin (no dev proxy needed in
// production). esbuild compiles the JSX; no plugin required.
export default defineConfig({
  base: "/dashboard/",
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
  server: { proxy: { "/v1": "http://127.0.0.1:8080", "/dashboard/login": "http://127.0.0.1:8080" } },
});
