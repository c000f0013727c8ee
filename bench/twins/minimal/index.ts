// The minimal twin: stores a group as one row plus one row per member in a single D1 batch,
// with no checks at all. The floor the API's create is measured against. With `?platform=1` it
// also pays the API's platform calls (../platform-calls.ts).
import { addRoundTrip, emptyUsage } from "../d1-usage";
import { answerCreate, type Created, type TwinEnv } from "../platform-calls";
import type { GroupBody } from "../wire";

export default {
  fetch: (request, env) => route(request, env).catch((err: unknown) => new Response(`twin: ${String(err)}`, { status: 500 })),
} satisfies ExportedHandler<TwinEnv>;

async function route(request: Request, env: TwinEnv): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/health") return Response.json({ ok: true });
  if (request.method === "POST" && url.pathname === "/segment_groups") {
    const body = (await request.json()) as GroupBody;
    return answerCreate(url, env, body.organization_id, () => createGroup(env.DB, body));
  }
  return new Response(null, { status: 404 });
}

async function createGroup(db: D1Database, body: GroupBody): Promise<Created> {
  const id = crypto.randomUUID();
  // All members travel as one JSON parameter (D1 binds at most 100 per statement).
  const members = body.segment_subgroup.flatMap((s, sp) => s.segment_members.map((m, mp) => [sp, mp, m.segment_type, m.segment_id]));
  const results = await db.batch([
    db
      .prepare("INSERT INTO groups (id, organization_id, name, type, status, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(id, body.organization_id, body.name, body.type, body.status ? 1 : 0, new Date().toISOString()),
    db
      .prepare(
        "INSERT INTO members (group_id, subgroup_position, position, segment_type, segment_id) " +
          "SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)",
      )
      .bind(id, JSON.stringify(members)),
  ]);
  const usage = emptyUsage();
  addRoundTrip(usage, results);
  return { id, d1: usage };
}
