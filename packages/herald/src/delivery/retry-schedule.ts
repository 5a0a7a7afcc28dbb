/**
 * `5s,5m,30m,2h,5h,10h,10h` → delays in ms. Units: ms, s, m, h, d. The
 * schedule's length + 1 is the attempt budget of every delivery.
 */
export function parseRetrySchedule(text: string): number[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  return parts.map((part) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part);
    if (m === null) {
      throw new Error(
        `Invalid retry schedule entry '${part}': use a number and a unit (ms, s, m, h, d), e.g. 5s,5m,30m.`,
      );
    }
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
    return Math.round(Number(m[1]) * unit);
  });
}
