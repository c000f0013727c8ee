// `npx node bench/organizations.ts` with `npm run dev` running (same PORT and LOCAL_ISSUER_PORT):
// the p50 latency of `GET /segment_groups` for a token of 1 organization and of 1,000, 10 s each
// at a fixed rate (under the local per-caller limit, so no answer is a 429). Each run has a
// subject of its own, so runs never share a rate-limit budget. Quoted in BENCHMARKS.md,
// "Tokens with many organizations (GET /segment_groups?limit=20)".
import autocannon from "autocannon";

const apiPort = Number(process.env.PORT ?? 8787);
const issuerPort = Number(process.env.LOCAL_ISSUER_PORT ?? 8799);
const SECONDS = Number(process.env.SECONDS ?? 10);
const RATE = 50; // requests per second: 500 in 10 s, well under the local caller limit (1,200 / min)
const ORGANIZATION = 1234; // the demo catalog's organization; every token holds it

async function token(organizations: number, sub: string): Promise<string> {
  const ids = [ORGANIZATION, ...Array.from({ length: organizations - 1 }, (_, i) => 100_000 + i)];
  const res = await fetch(`http://127.0.0.1:${issuerPort}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ organization_ids: ids, sub }),
  });
  if (!res.ok) throw new Error(`the local issuer answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function p50(organizations: number): Promise<{ p50: number; requests: number; non2xx: number }> {
  const authorization = `Bearer ${await token(organizations, `bench|organizations-${organizations}-${Date.now()}`)}`;
  const result = await autocannon({
    url: `http://127.0.0.1:${apiPort}/segment_groups?limit=20`,
    headers: { Authorization: authorization },
    connections: 2,
    overallRate: RATE,
    duration: SECONDS,
  });
  return { p50: result.latency.p50, requests: result.requests.total, non2xx: result.non2xx };
}

for (const organizations of [1, 1000]) {
  const { p50: ms, requests, non2xx } = await p50(organizations);
  console.log(`GET /segment_groups, ${organizations} organization(s): p50 ${ms} ms over ${requests} requests (${non2xx} non-2xx)`);
}
