/**
 * What every scenario receives from the runner.
 * @typedef {{
 *   root: string, backend: "sqlite" | "postgres", databaseUrl: string | null, tmpRoot: string,
 *   cpuProfDir: string | null, quick: boolean,
 *   sizes: import("../options.mjs").Sizes,
 *   sink: import("../sink-client.mjs").Sink,
 *   log: (line: string) => void,
 *   results: Record<string, any>,
 *   window: (cluster: string, from: number, to: number) => void
 * }} ScenarioContext
 *
 * `window` marks when a cluster's processes were being measured (monotonic
 * ms), so that their CPU profiles (`--cpu-prof`) are cut to those moments.
 */

/** Endpoint URLs on the sink: `/<behaviour>/<scenario>/<i>`. */
export function sinkUrls(
  /** @type {string} */ sinkUrl,
  /** @type {string} */ behaviour,
  /** @type {string} */ tag,
  n = 1,
) {
  return Array.from({ length: n }, (_, i) => `${sinkUrl}/${behaviour}/${tag}/${i}`);
}
