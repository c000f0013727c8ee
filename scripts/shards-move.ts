// `npm run shards:move -- --org 1234 --to DB_2`: moves one organization to another shard by
// calling POST /admin/organizations/{id}/move until it answers `done`, waiting what each
// Retry-After says (about two minutes in all: docs/storage.md, "Moving an organization").
//
// Against `npm run dev -- --shards N` it mints its own operator token from the local issuer;
// elsewhere pass --api and a token with `manage:shards` in $TOKEN.
import { parseArgs } from "node:util";
import { DEFAULT_ISSUER_PORT } from "./local-issuer.ts";

const USAGE = `Usage: npm run -s shards:move -- --org <id> --to <binding> [--api <url>]

  --org <id>      the organization to move
  --to <binding>  the shard to move it to: DB, DB_2, ...
  --api <url>     the API (default: http://127.0.0.1:$PORT or 8787)
  $TOKEN          a token with manage:shards (default: one from the local issuer)`;

export interface MoveAnswer {
  status: number;
  retryAfterSeconds: number;
  body: { data?: { phase?: string; shard?: string; copied?: Record<string, number> }; errors?: { code: string; message: string }[] };
}

/** Calls the move step until `done`; `post` makes one call, `sleep` waits; each step is reported through `log`. */
export async function moveUntilDone(post: () => Promise<MoveAnswer>, sleep: (ms: number) => Promise<void>, log: (line: string) => void): Promise<boolean> {
  for (;;) {
    const answer = await post();
    const phase = answer.body.data?.phase;
    if (answer.status === 200 && phase === "done") {
      log(`shards:move: done: it lives on ${answer.body.data?.shard}`);
      return true;
    }
    if (answer.status === 202 || answer.status === 503) {
      const copied = answer.body.data?.copied;
      log(`shards:move: ${phase ?? "busy"}${copied ? ` (copied ${JSON.stringify(copied)})` : ""}; next step in ${answer.retryAfterSeconds} s`);
      await sleep(answer.retryAfterSeconds * 1000);
      continue;
    }
    log(`shards:move: refused (${answer.status}): ${answer.body.errors?.map((e) => `${e.code}: ${e.message}`).join("; ") ?? "no answer"}`);
    return false;
  }
}

async function localToken(): Promise<string> {
  const port = process.env.LOCAL_ISSUER_PORT || String(DEFAULT_ISSUER_PORT);
  const response = await fetch(`http://127.0.0.1:${port}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ organization_ids: [1], permissions: ["manage:shards"], expires_in: 3600 }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`the local issuer on port ${port} gave no token: start \`npm run dev\`, or set $TOKEN`);
  return body.access_token;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { org: { type: "string" }, to: { type: "string" }, api: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true });
  if (values.help || !values.org || !values.to) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const api = values.api ?? `http://127.0.0.1:${process.env.PORT || "8787"}`;
  const token = process.env.TOKEN || (await localToken());
  const post = async (): Promise<MoveAnswer> => {
    const response = await fetch(`${api}/admin/organizations/${values.org}/move`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ shard: values.to }),
    });
    return { status: response.status, retryAfterSeconds: Number(response.headers.get("Retry-After") ?? "5"), body: (await response.json().catch(() => ({}))) as MoveAnswer["body"] };
  };
  const done = await moveUntilDone(post, (ms) => new Promise((resolve) => setTimeout(resolve, ms)), (line) => console.log(line));
  process.exit(done ? 0 : 1);
}
