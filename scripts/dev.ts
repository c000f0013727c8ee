// `npm run dev`: the whole API on this machine, from a fresh clone. Applies the D1 migrations
// to the local database, loads the demo catalog, starts the local issuer in this process and
// runs `wrangler dev` against it. Everything listens on 127.0.0.1 only; Ctrl+C (or SIGTERM to
// this process) stops wrangler, its workerd and the issuer together.
//
// Environment: PORT (API, default 8787), LOCAL_ISSUER_PORT (issuer, default 8799).
// `npm run dev -- --shards N` (1-16) runs N local shards (DB, DB_2 ... DB_N) from a generated
// config (scripts/dev-shards.ts), each migrated and loaded with the demo catalog.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { portsTakenMessage } from "./dev-ports.ts";
import { devShardsConfig, devShardsConfigPath, parseShardCount } from "./dev-shards.ts";
import { DEFAULT_ISSUER_PORT, startLocalIssuer, type LocalIssuer } from "./local-issuer.ts";
import { executeFileArgs, migrateArgs, readShardBindings, type WranglerTarget } from "./shards.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const DEMO_CATALOG = "scripts/demo-catalog.sql";
const READY_TIMEOUT_MS = 120_000;

const DEFAULT_API_PORT = 8787;
const shardCount = shardCountFromArgs();
const apiPort = portFromEnv("PORT", DEFAULT_API_PORT);
const issuerPort = portFromEnv("LOCAL_ISSUER_PORT", DEFAULT_ISSUER_PORT);

let child: ChildProcess | undefined;
let issuer: LocalIssuer | undefined;
let stopSignal: NodeJS.Signals | undefined;

// The terminal sends Ctrl+C to wrangler as well (same process group); forwarding it anyway
// covers a signal sent to this process alone, e.g. by a supervisor or CI. Wrangler's launcher
// relays only SIGINT and SIGTERM to the real CLI (which then stops workerd), so SIGHUP goes
// on as SIGTERM.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopSignal) return;
    stopSignal = signal;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal === "SIGINT" ? "SIGINT" : "SIGTERM");
    else void exit(signalExitCode(signal));
  });
}

const taken = await portsTakenMessage([
  { variable: "PORT", what: "the API", port: apiPort },
  { variable: "LOCAL_ISSUER_PORT", what: "the local issuer", port: issuerPort },
]);
if (taken) {
  console.error(taken);
  process.exit(1);
}

// One shard: wrangler.toml as it is. More: the generated config, every shard migrated and seeded.
const config = shardCount === 1 ? undefined : await writeShardsConfig(shardCount);
const target: WranglerTarget = { where: "local", config };
const shards = config ? await readShardBindings(join(ROOT, config)) : ["DB"];
for (const [i, shard] of shards.entries()) {
  const which = config ? ` ${shard} (${i + 1} of ${shards.length})` : "";
  await wrangler(`Applying D1 migrations to the local database${which}`, migrateArgs(shard, target));
  await wrangler(`Loading the demo catalog (${DEMO_CATALOG})${config ? ` into ${shard}` : ""}`, executeFileArgs(shard, DEMO_CATALOG, target), { quiet: true });
}

try {
  issuer = await startLocalIssuer({ port: issuerPort });
} catch (err) {
  const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
  console.error(
    inUse
      ? `dev: port ${issuerPort} (LOCAL_ISSUER_PORT) was taken just now; stop the other instance, or set PORT and LOCAL_ISSUER_PORT to free ports.`
      : `dev: the local issuer could not start: ${String(err)}`,
  );
  await exit(1);
}
log(`Local issuer (stand-in for Auth0) on ${issuer!.url}`);

// --test-scheduled: GET /__scheduled runs the Cron Trigger's scheduled jobs by hand (local only).
const devArgs = ["dev", ...(config ? ["--config", config] : []), "--ip", "127.0.0.1", "--port", String(apiPort), "--test-scheduled", "--var", `AUTH0_ISSUER_BASE_URL:${issuer!.url}`];
const dev = start(devArgs, "inherit");
void announceWhenReady(dev);
const outcome = await exited(dev);
await exit(stopSignal ? signalExitCode(stopSignal) : (outcome.code ?? 1));

/** Runs one wrangler command to completion; stdin is closed so it never prompts. */
async function wrangler(title: string, args: string[], options: { quiet?: boolean } = {}): Promise<void> {
  log(`${title}...`);
  const proc = start(args, options.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"]);
  let output = "";
  proc.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  proc.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const { code } = await exited(proc);
  if (stopSignal) await exit(signalExitCode(stopSignal));
  if (code !== 0) {
    if (output) process.stderr.write(output);
    console.error(`dev: \`wrangler ${args.join(" ")}\` failed (exit ${code}).`);
    await exit(code ?? 1);
  }
}

function start(args: string[], stdio: StdioOptions): ChildProcess {
  // The same Node that runs this script (the project's Node 22), without a shell in between,
  // so signals reach wrangler directly. Without CLOUDFLARE_CF_FETCH_ENABLED=false, wrangler
  // downloads `Request.cf` from workers.cloudflare.com and, offline, prints two stack traces
  // before using its placeholder; the Worker reads nothing from `cf`, so the placeholder it is.
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false" };
  child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio, env });
  return child;
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    proc.once("error", (err) => {
      console.error(`dev: could not run wrangler: ${err.message}`);
      resolve({ code: 1, signal: null });
    });
    proc.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

// Polls the API until it answers, so the "how to get a token" hint appears once it really
// does. A token from this run's issuer must be accepted: a server left over on the same port
// (another `npm run dev`) would reject it, and must never be reported as ready.
async function announceWhenReady(proc: ChildProcess): Promise<void> {
  const url = `http://127.0.0.1:${apiPort}/segments?limit=1`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (proc.exitCode === null && proc.signalCode === null && Date.now() < deadline) {
    let status: number | undefined;
    try {
      const token = await issuer!.mint();
      status = (await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2_000) })).status;
    } catch {
      // Not listening yet.
    }
    if (status === 200) {
      const tokenCommand = issuerPort === DEFAULT_ISSUER_PORT ? "npm run -s token" : `LOCAL_ISSUER_PORT=${issuerPort} npm run -s token`;
      const defaultPorts = apiPort === DEFAULT_API_PORT && issuerPort === DEFAULT_ISSUER_PORT;
      const walkThrough = `(a walk-through: README.md, "Try it"${defaultPorts ? "" : `, in a shell where you ran export PORT=${apiPort} LOCAL_ISSUER_PORT=${issuerPort}`})`;
      log(
        [
          `Segment Groups API ready on http://127.0.0.1:${apiPort} (demo catalog: CONTEXTUAL 101-103, 3P 201-202, 3P 301 of org 1234)`,
          `  Get a token in another terminal:  TOKEN=$(${tokenCommand})`,
          `  Then call it:                      curl -i http://127.0.0.1:${apiPort}/segments -H "Authorization: Bearer $TOKEN"`,
          `                                     ${walkThrough}`,
          ...(config
            ? [
                `  ${shards.length} shards: ${shards.join(", ")}; config ${config}. A shard's rows, e.g.:`,
                `    npx wrangler d1 execute DB_2 --local -c ${config} --command "select count(*) from segments"`,
              ]
            : []),
          `  Stop with Ctrl+C.`,
        ].join("\n"),
      );
      return;
    }
    if (status === 401) {
      console.error(`dev: another server answers on port ${apiPort} and rejects this run's tokens; this one cannot listen there. Stopping.`);
      proc.kill("SIGTERM");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function exit(code: number): Promise<never> {
  // close() waits for open keep-alive connections; don't let one hold up the exit.
  await Promise.race([issuer?.close(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  process.exit(code);
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!;
}

function shardCountFromArgs(): number {
  let value: string | undefined;
  try {
    ({ shards: value } = parseArgs({ options: { shards: { type: "string" } }, strict: true }).values);
  } catch (err) {
    console.error(`dev: ${(err as Error).message}\nUsage: npm run dev [-- --shards <1-16>]`);
    process.exit(1);
  }
  const parsed = parseShardCount(value);
  if ("error" in parsed) {
    console.error(parsed.error);
    process.exit(1);
  }
  return parsed.count;
}

/** Writes the config for `count` local shards (wrangler.toml's top level plus DB_2 ... DB_N); returns its path. */
async function writeShardsConfig(count: number): Promise<string> {
  const { experimental_readRawConfig } = await import("wrangler");
  const configPath = devShardsConfigPath(count);
  const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, "wrangler.toml") });
  await mkdir(dirname(join(ROOT, configPath)), { recursive: true });
  const generated = devShardsConfig(rawConfig as Parameters<typeof devShardsConfig>[0], count, { root: ROOT, configPath });
  await writeFile(join(ROOT, configPath), `${JSON.stringify(generated, null, 2)}\n`);
  log(`${count} local shards: ${configPath} (wrangler.toml plus DB_2 ... DB_${count}; state in ${join(dirname(configPath), ".wrangler", "state")})`);
  return configPath;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`dev: ${name} must be a TCP port number (1-65535), not "${raw}".`);
    process.exit(1);
  }
  return port;
}

function log(message: string): void {
  console.log(`\n[dev] ${message}`);
}
