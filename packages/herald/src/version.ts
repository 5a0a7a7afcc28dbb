import { readFileSync } from "node:fs";

/** Herald's version, from its package.json (sent as `user-agent: Herald/<version>`). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
