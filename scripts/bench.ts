// `npm run bench` (with `npm run dev` running): times the routes on this machine: POST
// /segment_groups for groups of 1, 100 and 1,000 members, reads (one group, pages of 100),
// PATCH, a 1,000-item bulk upsert, and GET /health as a floor. Timings on a shared
// machine are only comparable within one run, so it prints ratios next to the numbers.
// Only ever talks to 127.0.0.1.
import { ALL_PERMISSIONS, DEFAULT_ISSUER_PORT } from "./local-issuer.ts";

const API = `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const ISSUER = `http://127.0.0.1:${process.env.LOCAL_ISSUER_PORT ?? DEFAULT_ISSUER_PORT}`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const ORG = 1234;
const FIRST_ID = 900_000; // clear of the demo catalog's ids

const token = await mintToken();
await seedCatalog(1000);

const results: [string, number[]][] = [];
results.push(["GET /health", await time(() => request("GET", "/health"), 200)]);
const groupIds: string[] = [];
for (const members of [1, 100, 1000]) {
  const body = JSON.stringify(group(members));
  results.push([`POST /segment_groups, ${members} member(s)`, await time(() => request("POST", "/segment_groups", body, groupIds), 201)]);
}
const largest = groupIds.at(-1)!;
results.push(["GET /segment_groups/{id}, 1000 members", await time(() => request("GET", `/segment_groups/${largest}`), 200)]);
results.push(["GET /segment_groups?limit=100", await time(() => request("GET", "/segment_groups?limit=100"), 200)]);
results.push(["GET /segment_groups?segment=…&limit=100", await time(() => request("GET", `/segment_groups?segment=CONTEXTUAL:${FIRST_ID}&limit=100`), 200)]);
const small = groupIds[0]!;
results.push(["PATCH /segment_groups/{id} name", await time(() => request("PATCH", `/segment_groups/${small}`, JSON.stringify({ name: "Renamed" })), 200)]);
results.push(["GET /segments?limit=100", await time(() => request("GET", "/segments?limit=100"), 200)]);
results.push(["POST /segments/bulk, 1000 items", await time(() => request("POST", "/segments/bulk", catalogBody(1000)), 200)]);

const base = median(results[1]![1]);
console.log(`\n${ROUNDS} sequential requests each, after 3 warm-up requests:`);
for (const [name, samples] of results) {
  const p50 = median(samples);
  console.log(
    `${name.padEnd(44)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${percentile(samples, 0.95).toFixed(1).padStart(6)} ms   ×${(p50 / base).toFixed(2)} of POST with 1 member`,
  );
}

async function mintToken(): Promise<string> {
  const res = await fetch(`${ISSUER}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ organization_ids: [ORG], permissions: ALL_PERMISSIONS }),
  }).catch(() => undefined);
  if (!res?.ok) throw new Error(`bench: no local issuer at ${ISSUER}; start it with npm run dev`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function seedCatalog(count: number) {
  const res = await request("POST", "/segments/bulk", catalogBody(count));
  if (res.status !== 200) throw new Error(`bench: POST /segments/bulk answered ${res.status}`);
}

function catalogBody(count: number): string {
  const items = Array.from({ length: count }, (_, i) => ({ segment_type: "CONTEXTUAL", segment_id: FIRST_ID + i, name: `Bench segment ${FIRST_ID + i}` }));
  return JSON.stringify({ items });
}

function group(members: number) {
  return {
    name: `Bench ${members}`,
    type: "CONTEXTUAL",
    organization_id: ORG,
    status: true,
    segment_subgroup: [
      {
        segment_operator: "OR",
        segment_members: Array.from({ length: members }, (_, i) => ({ segment_id: FIRST_ID + i, segment_type: "CONTEXTUAL" })),
      },
    ],
  };
}

/** Sends one request; `createdIds` collects the ids of groups it creates. */
async function request(method: string, path: string, body?: string, createdIds?: string[]): Promise<Response> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body,
  });
  const text = await res.text();
  if (createdIds && res.status === 201) createdIds.push((JSON.parse(text) as { data: { id: string } }).data.id);
  return res;
}

async function time(send: () => Promise<Response>, expected: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await send();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const res = await send();
    samples.push(performance.now() - start);
    if (res.status !== expected) throw new Error(`bench: expected ${expected}, got ${res.status}`);
  }
  return samples;
}

function median(samples: number[]): number {
  return percentile(samples, 0.5);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
