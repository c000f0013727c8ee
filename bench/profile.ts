// `npm run profile -- [scenario] [requests]`: a CPU profile of the Worker under load, taken
// through workerd's inspector (Chrome DevTools protocol). Starts its own local issuer and
// `wrangler dev` on a fresh local D1, sends the scenario's requests (16 at a time), and
// prints where the Worker's CPU time went, by package and by function (bundled code named by
// its source module; native work such as fetch, JSON or crypto also charged to the JavaScript
// that asked for it); the raw profile goes to test-results/<scenario>.cpuprofile (open it in
// Chrome DevTools). Only talks to 127.0.0.1. The local caller rate limit (1,200 a minute)
// refuses runs above about 1,000 requests: use e.g. `npm run profile -- create3 900`.
// Ports: PROFILE_PORT (8900), PROFILE_INSPECTOR_PORT (9239), PROFILE_ISSUER_PORT (8909).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ALL_PERMISSIONS, startLocalIssuer } from "../scripts/local-issuer.ts";
import { catalog, groupBody, LARGE_GROUP } from "./workload.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const PORT = Number(process.env.PROFILE_PORT ?? 8900);
const INSPECTOR_PORT = Number(process.env.PROFILE_INSPECTOR_PORT ?? 9239);
const scenario = process.argv[2] ?? "create3";
const total = Number(process.argv[3] ?? 2000);
const API = `http://127.0.0.1:${PORT}`;
// Samples where the isolate ran no JavaScript of its own.
const IDLE = new Set(["(idle)", "(program)"]);
const NATIVE = "(native: runtime, crypto, JSON, D1 binding)";

const state = mkdtempSync(join(tmpdir(), "profile-d1-"));
const issuer = await startLocalIssuer({ port: Number(process.env.PROFILE_ISSUER_PORT ?? 8909) });
const run = (args: string[], stdio: "ignore" | "inherit" = process.env.PROFILE_VERBOSE ? "inherit" : "ignore") =>
  // node_modules/.bin first on PATH, as under `npm run`: wrangler's [build] step runs `node`, which must be the project's.
  spawn(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    stdio,
    detached: true,
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` },
  });
const exited = (p: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => p.on("exit", resolve));

await exited(run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]));
await exited(run(["d1", "execute", "DB", "--local", "--persist-to", state, "--file", "scripts/demo-catalog.sql"]));
const dev = run([
  // Not minified, so the profile names functions and files.
  "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--inspector-port", String(INSPECTOR_PORT), "--persist-to", state, "--minify=false",
  "--var", `AUTH0_ISSUER_BASE_URL:${issuer.url}`,
]);
const stop = async () => {
  try {
    process.kill(-dev.pid!, "SIGTERM");
  } catch {}
  await issuer.close();
  rmSync(state, { recursive: true, force: true });
};
process.on("SIGINT", () => void stop().then(() => process.exit(130)));

try {
  await waitForHealth();
  const token = await issuer.mint({ organization_ids: [1234], permissions: ALL_PERMISSIONS });
  const send = await requestsFor(scenario, token);
  await load(send, 200); // warm-up, outside the profile

  const inspector = await connectInspector();
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 50 });
  await inspector.call("Profiler.start");
  const started = performance.now();
  await load(send, total);
  const seconds = (performance.now() - started) / 1000;
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: CpuProfile };
  const modules = await bundleModules(inspector, profile);
  inspector.close();

  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  writeFileSync(join(ROOT, "test-results", `${scenario}.cpuprofile`), JSON.stringify(profile));
  report(profile, seconds, modules);
} finally {
  await stop();
}

async function requestsFor(name: string, token: string): Promise<() => Promise<Response>> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const group = {
    name: "Profiled", type: "CONTEXTUAL", organization_id: 1234, status: true,
    segment_subgroup: [{ segment_operator: "AND", segment_members: [101, 102, 103].map((id) => ({ segment_id: id, segment_type: "CONTEXTUAL" })) }],
  };
  if (name === "create3") return () => fetch(`${API}/segment_groups`, { method: "POST", headers, body: JSON.stringify(group) });
  if (name === "create1000") {
    // The bench's catalog and 1,000-member group (bench/workload.ts), loaded through the API.
    const seeded = await fetch(`${API}/segments/bulk`, { method: "POST", headers, body: JSON.stringify({ items: catalog() }) });
    if (!seeded.ok) throw new Error(`profile: seeding the catalog answered ${seeded.status}: ${await seeded.text()}`);
    const body = JSON.stringify(groupBody("Profiled", LARGE_GROUP));
    return () => fetch(`${API}/segment_groups`, { method: "POST", headers, body });
  }
  if (name === "health") return () => fetch(`${API}/health`);
  throw new Error(`profile: unknown scenario ${name} (create3, create1000, health)`);
}

async function load(send: () => Promise<Response>, count: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < count) {
        const res = await send();
        await res.arrayBuffer();
        if (res.status >= 400) throw new Error(`profile: status ${res.status}`);
      }
    }),
  );
}

async function waitForHealth() {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${API}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("profile: wrangler dev did not become healthy");
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

async function connectInspector() {
  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const target = targets.find((t) => !/internal/i.test(t.title ?? "")) ?? targets[0]!;
  // The inspector proxy only accepts a loopback (or DevTools) Origin.
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://127.0.0.1" } } as never);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (value: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  };
  return {
    call: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        pending.set(++id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** Per script of the Worker's bundle: where each bundled module starts (esbuild's `// path` comments, unminified). */
type BundleModules = Map<string, { line: number; path: string }[]>;

async function bundleModules(inspector: Awaited<ReturnType<typeof connectInspector>>, profile: CpuProfile): Promise<BundleModules> {
  await inspector.call("Debugger.enable");
  const modules: BundleModules = new Map();
  const scriptIds = new Set(profile.nodes.filter((n) => n.callFrame.url.endsWith(".js") && !n.callFrame.url.startsWith("cloudflare-internal")).map((n) => n.callFrame.scriptId));
  for (const scriptId of scriptIds) {
    const { scriptSource } = ((await inspector.call("Debugger.getScriptSource", { scriptId })) ?? {}) as { scriptSource?: string };
    if (!scriptSource) continue;
    const starts: { line: number; path: string }[] = [];
    scriptSource.split("\n").forEach((text, line) => {
      const comment = /^\/\/ ((?:\.\.\/)*(?:node_modules|src)\/\S+)$/.exec(text);
      if (comment) starts.push({ line, path: comment[1]!.replace(/^(\.\.\/)+/, "") });
    });
    modules.set(scriptId, starts);
  }
  await inspector.call("Debugger.disable");
  return modules;
}

/** The bundled module (its source path) a bundle line belongs to. */
function moduleAt(modules: BundleModules, scriptId: string, line: number): string | undefined {
  const starts = modules.get(scriptId);
  if (!starts) return undefined;
  let found: string | undefined;
  for (const start of starts) {
    if (start.line > line) break;
    found = start.path;
  }
  return found;
}

/** Self time per function and per package, in ms and % of sampled time. */
function report(profile: CpuProfile, seconds: number, modules: BundleModules) {
  const self = new Map<number, number>();
  profile.samples.forEach((node, i) => {
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const nativeByCaller = new Map<string, number>();
  const packages = new Map<number, string>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  let sampled = 0;
  for (const node of profile.nodes) {
    const { functionName, lineNumber, scriptId } = node.callFrame;
    // Inside the bundle, the module's own path names the package (node_modules/x) or src/ folder.
    const url = moduleAt(modules, scriptId, lineNumber) ?? node.callFrame.url;
    packages.set(node.id, packageOf(functionName, url));
  }
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    sampled += us;
    const { functionName, lineNumber, scriptId } = node.callFrame;
    const url = moduleAt(modules, scriptId, lineNumber) ?? node.callFrame.url;
    const pkg = packages.get(node.id)!;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    // Native work (crypto, JSON, fetch) charged to the nearest JavaScript that asked for it.
    let payer = node.id;
    while (packages.get(payer) === NATIVE && parents.has(payer)) payer = parents.get(payer)!;
    const payerPackage = packages.get(payer) === NATIVE ? NATIVE : packages.get(payer)!;
    if (!nodes.has(payer)) continue;
    byCaller.set(payerPackage, (byCaller.get(payerPackage) ?? 0) + us);
    if (payer !== node.id) {
      const callerFrame = nodes.get(payer)!.callFrame;
      const callerUrl = moduleAt(modules, callerFrame.scriptId, callerFrame.lineNumber) ?? callerFrame.url;
      const key = `${functionName || "(anonymous)"} <- ${callerFrame.functionName || "(anonymous)"} ${callerUrl.split("/").slice(-2).join("/")}:${callerFrame.lineNumber + 1}`;
      nativeByCaller.set(key, (nativeByCaller.get(key) ?? 0) + us);
    }
    const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = sampled - [...IDLE].reduce((n, name) => n + (byPackage.get(name) ?? 0), 0);
  console.log(`\n${scenario}: ${total} requests in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} req/s), 16 at a time`);
  console.log(`Worker JS CPU: ${(busy / 1000).toFixed(0)} ms = ${(busy / total / 1000).toFixed(3)} ms per request\n`);
  const line = ([name, us]: [string, number]) =>
    `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / Math.max(busy, 1)).toFixed(1).padStart(5)} %  ${name}`;
  console.log("By package (self time, % of busy):");
  for (const entry of [...byPackage].sort((a, b) => b[1] - a[1])) if (!IDLE.has(entry[0])) console.log(line(entry));
  console.log("\nBy package, native time charged to its JavaScript caller:");
  for (const entry of [...byCaller].sort((a, b) => b[1] - a[1])) if (!IDLE.has(entry[0])) console.log(line(entry));
  console.log("\nTop native work, by the JavaScript that asked for it:");
  for (const entry of [...nativeByCaller].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(line(entry));
  console.log("\nTop functions:");
  const top = [...byFunction].filter(([name]) => !IDLE.has(name.split(" ")[0]!)).sort((a, b) => b[1] - a[1]);
  for (const entry of top.slice(0, 30)) console.log(line(entry));
}

function packageOf(functionName: string, url: string): string {
  if (functionName === "(idle)" || functionName === "(program)" || functionName === "(garbage collector)") return functionName;
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  const source = /(?:^|\/)src\/([^/]+)/.exec(url);
  if (source) return `src/${source[1]}`;
  if (url === "") return NATIVE;
  return url.split("/").slice(-1)[0] ?? url;
}
