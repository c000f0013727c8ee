export interface D1Call {
  /** "batch" for db.batch, otherwise the statement method (run, all, first, raw) or "exec". */
  kind: string;
  /** How many statements went to the database in this round trip. */
  statements: number;
  sql: string[];
  /** What D1 sent back, per statement: its rows, rows read (D1's meta) and the rows' size (valueBytes). Set once the call answered. */
  results?: { rows: number; rowsRead: number; bytes: number }[];
}

function measured(results: D1Result[]): NonNullable<D1Call["results"]> {
  return results.map((r) => ({ rows: r.results?.length ?? 0, rowsRead: r.meta?.rows_read ?? 0, bytes: (r.results ?? []).reduce((sum: number, row) => sum + valueBytes(row), 0) }));
}

/** A row's size as D1 sends it, near enough: the UTF-8 bytes of each text, 8 bytes for any other value. */
function valueBytes(row: unknown): number {
  return Object.values(row as Record<string, unknown>).reduce<number>((sum, value) => sum + (typeof value === "string" ? new TextEncoder().encode(value).length : 8), 0);
}

/**
 * Wraps a D1 binding and records every round trip to the database, so a test can prove how
 * many a request costs, and every D1 session it opens. Statements pass through untouched;
 * only the calls are counted.
 */
export function countingD1(real: D1Database) {
  const calls: D1Call[] = [];
  /** What each session was started at (a constraint or a bookmark), in order. */
  const sessions: (string | undefined)[] = [];
  const realStatement = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();

  function wrap(statement: D1PreparedStatement, sql: string): D1PreparedStatement {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") {
          return (...values: unknown[]) => wrap(target.bind(...values), sql);
        }
        if (property === "run" || property === "all" || property === "first" || property === "raw") {
          return (...args: unknown[]) => {
            const call: D1Call = { kind: property, statements: 1, sql: [sql] };
            calls.push(call);
            const answer = (target[property] as (...a: unknown[]) => unknown).apply(target, args);
            if (property === "all") (answer as Promise<D1Result>).then((result) => (call.results = measured([result])), () => {});
            return answer;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    realStatement.set(proxy, statement);
    sqlOf.set(proxy, sql);
    return proxy;
  }

  // The Worker queries through a session (env.DB.withSession(...)): count those calls too.
  function counted<T extends object>(real: T): T {
    return new Proxy(real, {
      get(target, property) {
        if (property === "withSession") {
          return (constraint?: string) => {
            sessions.push(constraint);
            return counted((target as unknown as D1Database).withSession(constraint));
          };
        }
        return countedMember(target as unknown as D1Database, property);
      },
    });
  }

  function countedMember(target: D1Database, property: string | symbol): unknown {
    if (property === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
    if (property === "batch") {
      return (statements: D1PreparedStatement[]) => {
        const sql = statements.map((s) => sqlOf.get(s) ?? "?");
        const call: D1Call = { kind: "batch", statements: statements.length, sql };
        calls.push(call);
        return target.batch(statements.map((s) => realStatement.get(s) ?? s)).then((results) => {
          call.results = measured(results);
          return results;
        });
      };
    }
    if (property === "exec") {
      return (sql: string) => {
        calls.push({ kind: "exec", statements: 1, sql: [sql] });
        return target.exec(sql);
      };
    }
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  }

  return { db: counted(real), calls, sessions };
}
