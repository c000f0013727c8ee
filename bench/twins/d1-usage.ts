// D1's own accounting of a request: round trips, and rows read and written summed from each
// result's `meta` (the API's request log counts the same way). The twins report it in their answer.

import type { D1Usage } from "./wire";


export function emptyUsage(): D1Usage {
  return { queries: 0, rows_read: 0, rows_written: 0 };
}

/** One round trip (a single statement, or a whole batch) and its results. */
export function addRoundTrip(usage: D1Usage, results: { meta?: Partial<D1Meta> }[]): void {
  usage.queries++;
  for (const { meta } of results) {
    usage.rows_read += meta?.rows_read ?? 0;
    usage.rows_written += meta?.rows_written ?? 0;
  }
}

/**
 * `db` with every statement's result added to `usage`. raw() answers without `meta`, so it
 * runs as all() and maps the rows to arrays (column order kept; duplicate names would merge).
 */
export function meteredD1(db: D1Database, usage: D1Usage): D1Database {
  const metered = {
    prepare: (query: string) => meteredStatement(db.prepare(query), usage),
    async batch(statements: D1PreparedStatement[]) {
      const results = await db.batch(statements.map(unwrap));
      addRoundTrip(usage, results);
      return results;
    },
    exec: (query: string) => db.exec(query),
    withSession: (constraint?: string) => db.withSession(constraint),
    dump: () => db.dump(),
  };
  return metered as unknown as D1Database;
}

const INNER = Symbol("inner statement");

function unwrap(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as unknown as { [INNER]?: D1PreparedStatement })[INNER] ?? statement;
}

function meteredStatement(inner: D1PreparedStatement, usage: D1Usage): D1PreparedStatement {
  async function all() {
    const result = await inner.all<Record<string, unknown>>();
    addRoundTrip(usage, [result]);
    return result;
  }
  const statement = {
    [INNER]: inner,
    bind: (...values: unknown[]) => meteredStatement(inner.bind(...values), usage),
    all,
    async run() {
      const result = await inner.run();
      addRoundTrip(usage, [result]);
      return result;
    },
    async first(column?: string) {
      const row = (await all()).results[0];
      if (row === undefined) return null;
      return column === undefined ? row : (row[column] ?? null);
    },
    async raw(options?: { columnNames?: boolean }) {
      const { results } = await all();
      const rows = results.map((row) => Object.values(row));
      return options?.columnNames ? [Object.keys(results[0] ?? {}), ...rows] : rows;
    },
  };
  return statement as unknown as D1PreparedStatement;
}
