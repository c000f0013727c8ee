/** The D1 calls a fault can hit, in the order a request makes them. */
export type D1CallKind = "prepare" | "bind" | "first" | "all" | "raw" | "run" | "batch" | "exec";

/** What the injected failure says: SQL and driver words that must never reach a client. */
export const INJECTED_FAULT_MESSAGE = "D1_ERROR: injected fault: SELECT secret_column FROM segment_groups -- SQLITE_IOERR";

/**
 * Wraps a D1 binding for one request and fails its `failOn`-th call (1-based) of any kind:
 * `prepare` and `bind` throw as D1 does for them, the others reject. Counting happens at the
 * binding, below any query builder, so it keeps working whatever the storage layer uses.
 * With `failOn` 0 nothing fails, and `calls` tells how many calls a request makes.
 */
export function faultyD1(real: D1Database, failOn = 0) {
  const calls: D1CallKind[] = [];
  const realStatement = new WeakMap<object, D1PreparedStatement>();
  const fail = () => new Error(INJECTED_FAULT_MESSAGE);
  const hits = (kind: D1CallKind) => calls.push(kind) === failOn;

  function wrap(statement: D1PreparedStatement): D1PreparedStatement {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") {
          return (...values: unknown[]) => {
            if (hits("bind")) throw fail();
            return wrap(target.bind(...values));
          };
        }
        if (property === "first" || property === "all" || property === "raw" || property === "run") {
          return (...args: unknown[]) => {
            if (hits(property)) return Promise.reject(fail());
            return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    realStatement.set(proxy, statement);
    return proxy;
  }

  // The Worker queries through a session of the binding (env.DB.withSession(...)): its calls
  // count, and fail, like the binding's own.
  function faulty<T extends object>(target: T): T {
    return new Proxy(target, { get: (t, property) => member(t as unknown as D1Database, property) });
  }

  function member(target: D1Database, property: string | symbol): unknown {
    if (property === "withSession") return (constraint?: string) => faulty(target.withSession(constraint));
    if (property === "prepare") {
      return (sql: string) => {
        if (hits("prepare")) throw fail();
        return wrap(target.prepare(sql));
      };
    }
    if (property === "batch") {
      return (statements: D1PreparedStatement[]) => {
        if (hits("batch")) return Promise.reject(fail());
        return target.batch(statements.map((s) => realStatement.get(s) ?? s));
      };
    }
    if (property === "exec") return (sql: string) => (hits("exec") ? Promise.reject(fail()) : target.exec(sql));
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  }

  return { db: faulty(real), calls };
}
