import { env } from "cloudflare:workers";
import { shardBinding, shardNames } from "../../src/db/shards/bindings";

/** The shards the tests run on: DB alone, or DB, DB_2 and DB_3 under `npm run test:shards`. */
export function testShards(): D1Database[] {
  return shardNames(env).map((name) => shardBinding(env, name));
}

export const SHARDED = shardNames(env).length > 1;

/** Every row `sql` selects, from every shard, in shard order. */
export async function allRows<Row>(sql: string, ...params: unknown[]): Promise<Row[]> {
  const results = await Promise.all(testShards().map((db) => db.prepare(sql).bind(...params).all<Row>()));
  return results.flatMap((r) => r.results);
}

/** The shard binding an organization was placed on (DB before it is placed). */
export async function shardOf(organizationId: number): Promise<D1Database> {
  const row = await env.DB.prepare("SELECT shard FROM organization_shards WHERE organization_id = ?").bind(organizationId).first<{ shard: string }>();
  return shardBinding(env, row?.shard ?? "DB");
}
