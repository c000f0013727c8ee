// D1's own accounting of a request: statements run and rows read and written, summed from
// each result's `meta`. The twins report it in their answer; the bench compares it with the API's.

import type { D1Usage } from "./wire";


export function emptyUsage(): D1Usage {
  return { queries: 0, rows_read: 0, rows_written: 0 };
}

export function addResult(usage: D1Usage, result: { meta?: Partial<D1Meta> }): void {
  usage.queries++;
  usage.rows_read += result.meta?.rows_read ?? 0;
  usage.rows_written += result.meta?.rows_written ?? 0;
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
      for (const result of results) addResult(usage, result);
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
    addResult(usage, result);
    return result;
  }
  const statement = {
    [INNER]: inner,
    bind: (...values: unknown[]) => meteredStatement(inner.bind(...values), usage),
    all,
    async run() {
      const result = await inner.run();
      addResult(usage, result);
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
