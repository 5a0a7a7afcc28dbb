/**
 * How much of the machine's CPU went to processes that are not the
 * benchmark's own during a scenario (Linux /proc). The load generator, the
 * sink and Herald already share two cores; anything else running (a test
 * suite, a database used by someone else) moves the figures, and the paired
 * ceilings only partly make up for it. Ours = this process and its reaped
 * children (Herald processes stopped by the scenario) plus the live sink,
 * and on PostgreSQL the server processes serving the benchmark's databases.
 */
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Kernel clock ticks per second for /proc times (USER_HZ, 100 on Linux). */
const HZ = 100;

/** Busy CPU-seconds of the whole machine since boot (all cores). */
function machineBusy() {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / HZ;
  } catch {
    return Number.NaN;
  }
}

/** CPU-seconds of `pid`, all its threads (`self` includes its reaped children). */
export function processCpu(/** @type {number | "self"} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): state is field 3.
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = f.slice(11, 15);
    return (utime + stime + cutime + cstime) / HZ;
  } catch {
    return 0;
  }
}

/**
 * PostgreSQL server processes serving the benchmark's databases (their
 * process title names the database), polled because they come and go with
 * the connections: pid → the largest CPU-seconds seen.
 */
function watchDatabaseBackends(/** @type {string} */ prefix) {
  /** @type {Map<number, number>} */
  const seen = new Map();
  const poll = () => {
    let pids;
    try {
      pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
    } catch {
      return;
    }
    for (const d of pids) {
      try {
        if (!readFileSync(`/proc/${d}/cmdline`, "utf8").includes(prefix)) continue;
        const pid = Number(d);
        seen.set(pid, Math.max(seen.get(pid) ?? 0, processCpu(pid)));
      } catch {
        // gone meanwhile
      }
    }
  };
  poll();
  const timer = setInterval(poll, 500);
  timer.unref();
  return {
    total: () => [...seen.values()].reduce((a, b) => a + b, 0),
    stop() {
      poll();
      clearInterval(timer);
    },
  };
}

/**
 * Starts counting; `stop()` returns the CPU-seconds others used and their share of the cores.
 * @param {number[]} livePids our long-lived helper processes (the sink)
 * @param {string | null} databasePrefix counts the PostgreSQL backends of these databases as ours
 */
export function startCpuAccounting(livePids, databasePrefix = null) {
  const backends = databasePrefix === null ? null : watchDatabaseBackends(databasePrefix);
  const ours = () => processCpu("self") + livePids.reduce((s, pid) => s + processCpu(pid), 0);
  const t0 = process.hrtime.bigint();
  const m0 = machineBusy();
  const o0 = ours();
  return {
    stop() {
      backends?.stop();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const machine = machineBusy() - m0;
      // Backends are new per scenario (a fresh database), so their whole CPU time is this scenario's.
      const own = ours() - o0 + (backends?.total() ?? 0);
      const others = Math.max(0, machine - own);
      return {
        wallSeconds: Math.round(wall * 10) / 10,
        machineCpuSeconds: Math.round(machine * 10) / 10,
        benchCpuSeconds: Math.round(own * 10) / 10,
        otherCpuSeconds: Math.round(others * 10) / 10,
        /** Fraction of all cores used by other processes. */
        otherShare: wall > 0 ? Math.round((others / wall / availableParallelism()) * 1000) / 1000 : 0,
      };
    },
  };
}
