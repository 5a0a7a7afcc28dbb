/**
 * Drives the system Chromium (never a downloaded one) with playwright-core.
 * Tests skip with a clear reason when /usr/bin/chromium is missing; CI
 * installs it (.ci/run).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.HERALD_TEST_CHROMIUM ?? "/usr/bin/chromium";
export const NO_BROWSER = existsSync(CHROMIUM)
  ? false
  : `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) to run the dashboard browser tests`;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** test-output/screenshots at the repository root (git-ignored). */
export function screenshotDir(): string {
  const dir = join(process.cwd(), "test-output", "screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}
