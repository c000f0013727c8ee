// Loads the catalog into the API and the own-SQL twin, and the same groups into all three,
// through their HTTP fronts (the API's own POST /segments/bulk and POST /segment_groups), so
// each create runs against a database of the same size.
import type { GroupBody } from "./twins/wire.ts";
import { catalog, type SeededIds } from "./workload.ts";

const SEED_CONCURRENCY = 4;

export async function seedCatalog(apiUrl: string, ownSqlUrl: string, token: string): Promise<void> {
  const items = catalog();
  await send("POST", `${apiUrl}/segments/bulk`, { items }, 200, token);
  await send("POST", `${ownSqlUrl}/catalog`, items, 200);
}

/**
 * Creates the 3-member groups, then the 1,000-member ones (so those are the newest), a few at
 * a time, and returns one of each for the reads.
 */
export async function seedGroups(url: string, token: string | undefined, groups: { small: GroupBody[]; large: GroupBody[] }): Promise<SeededIds> {
  // The API answers {data: {id}}, a twin {id}.
  const create = async (group: GroupBody) => {
    const created = (await send("POST", `${url}/segment_groups`, group, 201, token)) as { data?: { id: string }; id?: string };
    return created.data?.id ?? created.id!;
  };
  const small = await inPool(groups.small, create);
  const large = await inPool(groups.large, create);
  if (!small[0] || !large[0]) throw new Error("bench: seeding needs at least one 3-member and one 1,000-member group");
  return { small: small[0], large: large[0] };
}

/** `work` over every item, SEED_CONCURRENCY at a time; results in item order. */
export async function inPool<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  }
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return results;
}

export async function send(method: string, url: string, body: unknown, expected: number, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`bench: seeding ${method} ${url} answered ${res.status}, not ${expected}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}
