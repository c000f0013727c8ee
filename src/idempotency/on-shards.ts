import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { shardDatabase } from "../db/context";
import type { Database } from "../db/database";
import { priorAnswer, type IdempotencyClaim, type PriorAnswerOutcome } from "../db/idempotency/keys";
import { isSharded } from "../db/shards/bindings";
import { shardsOf } from "../db/shards/route";

/**
 * A key is the caller's, whatever organization it wrote for; over shards its row lives on the
 * shard of the organization it wrote for. Before a keyed write on `target`, the other shards of
 * the token's organizations are asked (at once) whether they hold the key: a replay or a 422
 * from there, as one database would answer. A token of one organization asks nobody else; the
 * target's own batch checks the key as always. Two first uses of one key racing on two shards
 * can both write (docs/storage.md, "Shards").
 */
export async function priorAnswerOnOtherShards<Snapshot>(c: Context<AppEnv>, claim: IdempotencyClaim | null, target: Database): Promise<PriorAnswerOutcome<Snapshot> | undefined> {
  if (claim === null || !isSharded(c.env)) return undefined;
  const others = (await shardsOf(c, c.get("caller").organizationIds)).map((part) => shardDatabase(c, part.shard)).filter((db) => db !== target);
  const answers = await Promise.all(others.map((db) => priorAnswer<Snapshot>(db, claim)));
  return answers.find((answer) => answer !== undefined);
}
