// Every process the bench starts runs in its own process group (wrangler, its CLI child and
// workerd), so one signal to the group stops all of it, and nothing outlives the bench.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const STOP_GRACE_MS = 10_000;

// The bench talks to 127.0.0.1 only: no `Request.cf` download from Cloudflare, no telemetry.
const LOCAL_ONLY = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

const groups = new Set<number>();

export interface Started {
  process: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `wrangler <args>` as the leader of a new process group; each output line goes to `onLine`. */
export function startWrangler(args: string[], onLine: (line: string) => void = () => {}): Started {
  // The project's Node (the one running this script), no shell in between.
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: LOCAL_ONLY });
  if (child.pid !== undefined) groups.add(child.pid);
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(1));
    child.once("exit", (code) => resolve(code));
  });
  return { process: child, exited };
}

/** Runs `wrangler <args>` to completion; throws with its output when it fails. */
export async function runWrangler(args: string[]): Promise<void> {
  const output: string[] = [];
  const started = startWrangler(args, (line) => output.push(line));
  const code = await started.exited;
  await stopGroup(started.process.pid!);
  if (code !== 0) throw new Error(`wrangler ${args.join(" ")} failed (exit ${code}):\n${output.join("\n")}`);
}

/** SIGTERM to every group still running, SIGKILL to any left after the grace period. */
export async function stopAll(): Promise<void> {
  await Promise.all([...groups].map(stopGroup));
}

async function stopGroup(pgid: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    console.error(`bench: process group ${pgid} still running ${STOP_GRACE_MS / 1000} s after SIGTERM; sending SIGKILL`);
    signalGroup(pgid, "SIGKILL");
    while (groupAlive(pgid)) await sleep(100);
  }
  groups.delete(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
