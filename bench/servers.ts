// Starts the three Workers under test with `wrangler dev`, each on a fresh local D1 state
// directory: the API (behind the local issuer) and the two twins in bench/twins/.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalIssuer, type LocalIssuer } from "../scripts/local-issuer.ts";
import { runWrangler, sleep, startWrangler, stopAll, type Started } from "./processes.ts";

const READY_TIMEOUT_MS = 120_000;

export type Target = "api" | "own-sql" | "minimal";

export const TARGET_TITLES: Record<Target, string> = { api: "API", "own-sql": "own-SQL twin", minimal: "minimal twin" };

// The API runs on a copy of wrangler.toml whose local rate limits are lifted: the bench's one
// caller of one organization sends in seconds what the limits allow a client per minute. The
// copy sits beside the original (relative paths in it stay valid) and is removed on stop.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const API_CONFIG = join(ROOT, "wrangler.bench.toml");

const CONFIGS: Record<Target, string> = {
  api: API_CONFIG,
  "own-sql": "bench/twins/own-sql/wrangler.toml",
  minimal: "bench/twins/minimal/wrangler.toml",
};

/**
 * Ports from BENCH_PORT_BASE (default 8810, clear of `npm run dev`'s 8787/8799): API +0,
 * issuer +1, own-SQL twin +2, minimal twin +3, their inspectors +10, +12, +13.
 */
export function benchPorts(base = portBase()) {
  return {
    issuer: base + 1,
    http: { api: base, "own-sql": base + 2, minimal: base + 3 } satisfies Record<Target, number>,
    inspector: { api: base + 10, "own-sql": base + 12, minimal: base + 13 } satisfies Record<Target, number>,
  };
}

function portBase(): number {
  const raw = process.env.BENCH_PORT_BASE;
  if (raw === undefined || raw === "") return 8810;
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1 || base > 65_535 - 13) throw new Error(`BENCH_PORT_BASE must be a port number, not "${raw}"`);
  return base;
}

export interface Servers {
  urls: Record<Target, string>;
  issuer: LocalIssuer;
  /** Each Worker's `wrangler dev` process group (bench/process-cpu.ts reads its CPU time). */
  processGroups: Record<Target, number>;
}

// What stopServers() cleans up, set as soon as it exists (a start can fail halfway).
let stateDir: string | undefined;
let issuer: LocalIssuer | undefined;

/**
 * Migrates three fresh D1 state directories, then starts the issuer and the three Workers.
 * `onApiLine` receives every line the API's wrangler prints (its request log among them).
 */
export async function startServers(onApiLine: (line: string) => void): Promise<Servers> {
  const ports = benchPorts();
  await writeFile(API_CONFIG, withoutLocalRateLimits(await readFile(join(ROOT, "wrangler.toml"), "utf8")));
  const dir = (stateDir = await mkdtemp(join(tmpdir(), "segment-groups-bench-")));
  const targets = Object.keys(CONFIGS) as Target[];
  const persistTo = (target: Target) => join(dir, target);

  await Promise.all(
    targets.map((target) =>
      runWrangler(["d1", "migrations", "apply", "DB", "--local", "--config", CONFIGS[target], "--persist-to", persistTo(target)]),
    ),
  );
  issuer = await startLocalIssuer({ port: ports.issuer });
  const servers: Servers = { urls: { api: "", "own-sql": "", minimal: "" }, issuer, processGroups: { api: 0, "own-sql": 0, minimal: 0 } };

  const starting = targets.map((target) => {
    const args = [
      "dev",
      "--config",
      CONFIGS[target],
      "--ip",
      "127.0.0.1",
      "--port",
      String(ports.http[target]),
      "--inspector-port",
      String(ports.inspector[target]),
      "--persist-to",
      persistTo(target),
      "--show-interactive-dev-session=false",
    ];
    // The load creates far more groups in its one organization than the default quota allows.
    if (target === "api") args.push("--var", `AUTH0_ISSUER_BASE_URL:${servers.issuer.url}`, "--var", "QUOTA_GROUPS_PER_ORGANIZATION:1000000000");
    const output: string[] = [];
    const started = startWrangler(args, (line) => {
      output.push(line);
      // Only the API's: the twins write the same request log line in platform mode.
      if (target === "api") onApiLine(line);
    });
    servers.urls[target] = `http://127.0.0.1:${ports.http[target]}`;
    servers.processGroups[target] = started.process.pid ?? 0;
    return waitHealthy(servers.urls[target], started, () => output.join("\n"));
  });
  await Promise.all(starting);
  return servers;
}

/** Stops every Worker (whole process groups), the issuer, and deletes the D1 state. */
export async function stopServers(): Promise<void> {
  await stopAll();
  await rm(API_CONFIG, { force: true });
  // close() waits for keep-alive connections; don't let one hold up the exit.
  if (issuer) await Promise.race([issuer.close(), sleep(1_000)]);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  issuer = stateDir = undefined;
}

export async function waitHealthy(url: string, started: Started, output: () => string): Promise<void> {
  let exited = false;
  void started.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer GET /health ${exited ? "(wrangler exited)" : `within ${READY_TIMEOUT_MS / 1000} s`}:\n${output()}`);
}

/** wrangler.toml with every top-level (local) `[[ratelimits]]` limit raised out of reach; deployed environments untouched. */
export function withoutLocalRateLimits(config: string): string {
  const firstEnvironment = config.search(/^\[+env\./m);
  const local = firstEnvironment === -1 ? config : config.slice(0, firstEnvironment);
  const rest = firstEnvironment === -1 ? "" : config.slice(firstEnvironment);
  return local.replace(/simple = \{ limit = \d+, period = (\d+) \}/g, "simple = { limit = 1000000000, period = $1 }") + rest;
}
