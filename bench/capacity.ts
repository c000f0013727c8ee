// `npm run bench:capacity`: what the API stores per group, member, version and index row, and
// what one shard (one D1 database) holds and sustains. Starts the API under `wrangler dev` on a
// fresh, migrated local D1, writes everything through the API itself (so triggers, feed,
// history and index rows are exactly what a client's requests leave), reads the database's
// size with dbstat between steps, then loads it with 3-member creates. Prints the markdown of
// docs/scaling.md's measured section; `--write` puts it there.
//
//   npm run bench:capacity                         full run (about 3 min on 2 cores)
//   npm run bench:capacity -- --write              ... and rewrite docs/scaling.md's section
//   npm run bench:capacity -- --small 200 --large 10 --seconds 3    a quick look
//
// Needs Debian's sqlite3 (`apt-get install sqlite3`). Ports from BENCH_PORT_BASE (default
// 8810: the API, +1 the issuer, +10 its inspector). Only talks to 127.0.0.1.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ALL_PERMISSIONS, startLocalIssuer, type LocalIssuer } from "../scripts/local-issuer.ts";
import { unitCost, type Snapshot } from "./capacity-model.ts";
import { CAPACITY_FILES, capacityMarkdown, LARGE_MEMBERS, MEDIAN_MEMBERS, replaceMeasuredSection, type CapacityRun } from "./capacity-report.ts";
import { d1File, directoryRowCost, snapshot } from "./capacity-sizes.ts";
import { runLoad, unexpectedStatuses } from "./load.ts";
import { describeCommit, describeMachine } from "./machine.ts";
import { ROOT, runWrangler, sleep, startWrangler, stopAll } from "./processes.ts";
import { inPool, send } from "./seed.ts";
import { benchPorts, withoutLocalRateLimits } from "./servers.ts";
import type { CatalogItem, GroupBody } from "./twins/wire.ts";
import { catalog, groupBody, ORGANIZATION_ID } from "./workload.ts";

const { values: args } = parseArgs({
  options: {
    small: { type: "string", default: "1000" },
    large: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    write: { type: "boolean", default: false },
  },
});
const SMALL = positive("small", args.small!);
const LARGE = positive("large", args.large!);
const SECONDS = positive("seconds", args.seconds!);
// As the load benchmark's create scenarios (bench/run.ts).
const CONNECTIONS = 16;
const CONFIG = join(ROOT, "wrangler.capacity.toml");
const DOC = join(ROOT, CAPACITY_FILES.doc);
const STORED_RUN = join(ROOT, CAPACITY_FILES.run);
const READY_TIMEOUT_MS = 120_000;

let stateDir: string | undefined;
let issuer: LocalIssuer | undefined;
const output: string[] = [];

async function main(): Promise<void> {
  const machine = describeMachine();
  const ports = benchPorts();
  const api = `http://127.0.0.1:${ports.http.api}`;
  stateDir = await mkdtemp(join(tmpdir(), "segment-groups-capacity-"));
  await writeFile(CONFIG, withoutLocalRateLimits(await readFile(join(ROOT, "wrangler.toml"), "utf8")));
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--config", CONFIG, "--persist-to", stateDir]);
  const file = await d1File(stateDir);
  issuer = await startLocalIssuer({ port: ports.issuer });
  // --test-scheduled: GET /__scheduled merges the reverse index's backlog before each look.
  const started = startWrangler(
    [
      "dev", "--config", CONFIG, "--ip", "127.0.0.1", "--port", String(ports.http.api), "--inspector-port", String(ports.inspector.api),
      "--persist-to", stateDir, "--show-interactive-dev-session=false", "--test-scheduled",
      "--var", `AUTH0_ISSUER_BASE_URL:${issuer.url}`, "--var", "QUOTA_GROUPS_PER_ORGANIZATION:1000000000",
    ],
    (line) => output.push(line),
  );
  await waitHealthy(api, started.exited);
  const token = await issuer.mint({ organization_ids: [ORGANIZATION_ID], permissions: ALL_PERMISSIONS });
  const look = async (): Promise<Snapshot> => {
    const res = await fetch(`${api}/__scheduled?cron=17+*+*+*+*`);
    if (!res.ok) throw new Error(`capacity: GET /__scheduled answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    return snapshot(file);
  };
  const createAll = (bodies: GroupBody[]) =>
    inPool(bodies, async (body) => ((await send("POST", `${api}/segment_groups`, body, 201, token)) as { data: { id: string } }).data.id);
  const renameAll = (ids: string[]) => inPool(ids, (id) => send("PATCH", `${api}/segment_groups/${id}`, { name: `Renamed ${id.slice(-12)}` }, 200, token));
  const step = (what: string) => console.log(`capacity: ${what} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);

  step("seeding the catalog");
  const segments = catalog();
  await send("POST", `${api}/segments/bulk`, { items: segments }, 200, token);
  const oneCatalog = await look();
  await send("POST", `${api}/segments/bulk`, { items: segments.map(unusedCopy) }, 200, token);
  const segment = unitCost(oneCatalog, await look(), segments.length);

  step(`creating ${SMALL} + ${SMALL} groups of ${MEDIAN_MEMBERS} members`);
  const small = (from: number) => Array.from({ length: SMALL }, (_, i) => groupBody(groupName(from + i), MEDIAN_MEMBERS, MEDIAN_MEMBERS * (from + i)));
  const smallIds = await createAll(small(0));
  const smallHalf = await look();
  smallIds.push(...(await createAll(small(SMALL))));
  const smallAll = await look();
  step(`renaming the ${smallIds.length} groups of ${MEDIAN_MEMBERS} members`);
  await renameAll(smallIds);
  const smallVersion = unitCost(smallAll, await look(), smallIds.length);

  step(`creating ${LARGE} + ${LARGE} groups of ${LARGE_MEMBERS} members`);
  const large = (from: number) => Array.from({ length: LARGE }, (_, i) => groupBody(groupName(from + i), LARGE_MEMBERS));
  const largeIds = await createAll(large(2 * SMALL));
  const largeHalf = await look();
  largeIds.push(...(await createAll(large(2 * SMALL + LARGE))));
  const largeAll = await look();
  step(`renaming the ${largeIds.length} groups of ${LARGE_MEMBERS} members`);
  await renameAll(largeIds);
  const largeVersion = unitCost(largeAll, await look(), largeIds.length);

  step(`loading POST /segment_groups (${MEDIAN_MEMBERS} members), ${CONNECTIONS} connections for ${SECONDS} s`);
  const result = await runLoad(
    { url: `${api}/segment_groups`, method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(groupBody(groupName(0), MEDIAN_MEMBERS)), expectedStatus: 201 },
    { connections: CONNECTIONS, seconds: SECONDS, minAnswers: 2 * CONNECTIONS },
  );
  const unexpected = unexpectedStatuses(result, 201);
  if (unexpected) throw new Error(`capacity: POST /segment_groups under load: expected 201 every time, got ${unexpected}`);

  const run: CapacityRun = {
    date: `${new Date().toISOString().slice(0, 10)}`,
    commit: describeCommit(),
    machine,
    costs: {
      segment,
      smallCreate: unitCost(smallHalf, smallAll, SMALL),
      smallVersion,
      largeCreate: unitCost(largeHalf, largeAll, LARGE),
      largeVersion,
      directoryRow: await directoryRowCost(10_000),
    },
    writes: { connections: CONNECTIONS, seconds: SECONDS, result },
  };
  const markdown = capacityMarkdown(run);
  console.log(`\n${markdown}\n`);
  if (args.write) {
    await writeFile(DOC, replaceMeasuredSection(await readFile(DOC, "utf8"), markdown));
    await writeFile(STORED_RUN, `${JSON.stringify(run, null, 2)}\n`);
    console.log("capacity: rewrote the measured section of docs/scaling.md and bench/capacity-run.json");
  }
}

/** A group name of a realistic length (the README's example is "My Audience Group"). */
function groupName(i: number): string {
  return `Audience group ${String(i).padStart(5, "0")}`;
}

/** The same catalog item under an id no group uses (the second catalog step). */
function unusedCopy(item: CatalogItem): CatalogItem {
  return { ...item, segment_id: item.segment_id + 10_000, name: `${item.name} (copy)` };
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`capacity: --${name} takes a positive integer, not "${raw}"`);
  return value;
}

async function waitHealthy(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`capacity: ${url} did not answer GET /health:\n${output.slice(-40).join("\n")}`);
}

async function stop(): Promise<void> {
  await stopAll();
  await rm(CONFIG, { force: true });
  if (issuer) await Promise.race([issuer.close(), sleep(1_000)]);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}

const startedAt = Date.now();
let exitCode = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
try {
  await main();
} catch (err) {
  console.error(`capacity: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await stop();
}
process.exit(exitCode);
