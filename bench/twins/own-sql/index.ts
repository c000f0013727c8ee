// The own-SQL twin: the API's create, minus everything around it. It calls the API's own
// insertSegmentGroup (src/db) on the API's migrations, for a fixed organization, with no auth,
// validation, envelope or catalog-error mapping, so "API / own-SQL" is the framework's share.
// With `?platform=1` it also pays the API's platform calls (../platform-calls.ts).
import { drizzle } from "drizzle-orm/d1";
import { Database, emptyUsage } from "../../../src/db/database";
import { newEtag, newSegmentGroupId } from "../../../src/db/ids";
import { segments } from "../../../src/db/schema";
import { subgroupsDocument } from "../../../src/db/segment-groups/document";
import { insertSegmentGroup } from "../../../src/db/segment-groups/insert";
import { answerCreate, type Created, type TwinEnv } from "../platform-calls";
import type { CatalogItem, D1Usage, GroupBody } from "../wire";

const ORGANIZATION_ID = 1234;
// D1 allows 100 bound parameters per statement; drizzle binds a value for each of the 9 columns.
const CATALOG_ROWS_PER_STATEMENT = 11;

export default {
  fetch: (request, env) => route(request, env).catch((err: unknown) => new Response(`twin: ${String(err)}`, { status: 500 })),
} satisfies ExportedHandler<TwinEnv>;

async function route(request: Request, env: TwinEnv): Promise<Response> {
  const url = new URL(request.url);
  const { pathname } = url;
  if (request.method === "GET" && pathname === "/health") return Response.json({ ok: true });
  if (request.method === "POST" && pathname === "/segment_groups") {
    const body = (await request.json()) as GroupBody;
    return answerCreate(url, env, body.organization_id, () => createGroup(env.DB, body));
  }
  if (request.method === "POST" && pathname === "/catalog") return seedCatalog(env.DB, (await request.json()) as CatalogItem[]);
  return new Response(null, { status: 404 });
}

async function createGroup(d1: D1Database, body: GroupBody): Promise<Created> {
  const usage = emptyUsage();
  const now = new Date();
  const id = newSegmentGroupId(now.getTime());
  // The API's Database counts D1's round trips and rows into `usage`, as for its request log.
  await insertSegmentGroup(new Database(d1, usage), {
    id,
    organizationId: ORGANIZATION_ID,
    name: body.name,
    type: body.type,
    status: body.status,
    // What the API's validation fills in for fields the body leaves out.
    subgroupOperator: body.subgroup_operator ?? "AND",
    subgroups: subgroupsDocument(body.segment_subgroup.map((s) => ({ ...s, exclude: s.exclude ?? false }))),
    now: now.toISOString(),
    etag: newEtag(),
    // No token here, so no author.
    createdBy: null,
    // As the bench gives the API (bench/servers.ts): never reached under load.
    quota: 1_000_000_000,
  });
  const d1Usage: D1Usage = { queries: usage.queries, rows_read: usage.rowsRead, rows_written: usage.rowsWritten };
  return { id, d1: d1Usage };
}

/** Global catalog segments, written through the API's table contract (not a copy of its SQL). */
async function seedCatalog(d1: D1Database, items: CatalogItem[]): Promise<Response> {
  const db = drizzle(d1);
  const now = new Date().toISOString();
  const rows = items.map((item) => ({
    segmentType: item.segment_type,
    segmentId: item.segment_id,
    name: item.name,
    nameFolded: item.name.toLowerCase(),
    organizationId: null,
    createdAt: now,
    updatedAt: now,
  }));
  const inserts = [];
  for (let i = 0; i < rows.length; i += CATALOG_ROWS_PER_STATEMENT) {
    inserts.push(db.insert(segments).values(rows.slice(i, i + CATALOG_ROWS_PER_STATEMENT)).onConflictDoNothing());
  }
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
  return Response.json({ inserted: rows.length });
}
