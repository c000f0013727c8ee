import { ApiError } from "../errors";

/** What one request asked of D1, summed from each result's `meta`: the request log reports it. */
export interface D1Usage {
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

export function emptyUsage(): D1Usage {
  return { queries: 0, rowsRead: 0, rowsWritten: 0 };
}

/**
 * The part of D1 the storage code uses: a D1Database binding, or a D1DatabaseSession of one
 * (`env.DB.withSession(...)`, which has exactly these two methods). The runtime uses no
 * drizzle, so a session needs no adapter (drizzle's D1 type refuses sessions, drizzle-orm#2226).
 */
export type D1Like = Pick<D1Database, "prepare" | "batch">;

/** Turns a driver failure the client caused (e.g. a bookmark D1 refuses) into its answer; undefined for a 503. */
export type ClientErrorOf = (err: unknown) => ApiError | undefined;

/**
 * The storage code's only door to D1: plain SQL statements (kept as constants beside the code
 * that uses them), every round trip counted into `usage`, and any driver failure turned into
 * a 503 `database_unavailable` whose cause goes to the log, never to the client.
 */
export class Database {
  // Plain fields, not parameter properties: scripts import this file under Node's type stripping.
  private readonly d1: D1Like;
  private readonly usage: D1Usage;
  private readonly requestId: string | undefined;
  private readonly clientErrorOf: ClientErrorOf;

  constructor(d1: D1Like, usage: D1Usage = emptyUsage(), requestId?: string, clientErrorOf: ClientErrorOf = () => undefined) {
    this.d1 = d1;
    this.usage = usage;
    this.requestId = requestId;
    this.clientErrorOf = clientErrorOf;
  }

  statement(sql: string, ...params: unknown[]): D1PreparedStatement {
    try {
      return this.d1.prepare(sql).bind(...params);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /** Every row of one statement, in one round trip. */
  async all<Row>(statement: D1PreparedStatement): Promise<Row[]> {
    const result = await this.attempt(() => statement.all<Row>());
    this.count([result]);
    return result.results;
  }

  async first<Row>(statement: D1PreparedStatement): Promise<Row | undefined> {
    return (await this.all<Row>(statement))[0];
  }

  /** Several statements in ONE round trip and one transaction; each statement's rows, in order. */
  async batch(statements: D1PreparedStatement[]): Promise<unknown[][]> {
    const results = await this.attempt(() => this.d1.batch(statements));
    this.count(results);
    return results.map((r) => r.results);
  }

  private count(results: D1Result[]) {
    this.usage.queries += 1;
    for (const { meta } of results) {
      this.usage.rowsRead += meta?.rows_read ?? 0;
      this.usage.rowsWritten += meta?.rows_written ?? 0;
    }
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): ApiError {
    const clientError = this.clientErrorOf(err);
    if (clientError) return clientError;
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    console.error(JSON.stringify({ level: "error", event: "database_error", request_id: this.requestId, cause }));
    return new ApiError(
      { code: "database_unavailable", message: "The database could not complete the request. Retry shortly." },
      { "Retry-After": "1" },
    );
  }
}

/**
 * Bound parameters for SQL assembled from optional parts (a listing's filters): `bind(value)`
 * records the value and returns its `?N` placeholder; `values` go to `db.statement`.
 */
export function sqlParams() {
  const values: unknown[] = [];
  return {
    values,
    bind(value: unknown): string {
      values.push(value);
      return `?${values.length}`;
    },
  };
}

/**
 * Named parameters for a constant statement (D1 binds by position only): `sql.name` is the
 * placeholder `?N` of `name`, `values({...})` the values in placeholder order, so a statement
 * and its call site name each value instead of counting positions.
 *
 * ```ts
 * const P = namedParams("id", "etag");
 * const SQL = `SELECT 1 FROM t WHERE id = ${P.sql.id} AND etag = ${P.sql.etag}`;
 * db.statement(SQL, ...P.values({ id, etag }));
 * ```
 */
export function namedParams<const Name extends string>(...names: Name[]) {
  const sql = Object.fromEntries(names.map((name, i) => [name, `?${i + 1}`])) as Record<Name, string>;
  return { sql, values: (values: Record<Name, unknown>): unknown[] => names.map((name) => values[name]) };
}

/** A JSON array as ONE bound parameter, read back with json_each (D1 allows 100 parameters a statement). */
export function jsonParam(values: readonly unknown[] | Iterable<unknown>): string {
  return JSON.stringify(Array.isArray(values) ? values : [...values]);
}
