import { sql, type Column } from "drizzle-orm";

/**
 * The form names are stored and searched in for the `q` filter: NFKC, then lower case. Done in
 * the Worker because SQLite's lower() only folds ASCII ("Élan" would not find "élan").
 */
export function foldName(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/**
 * Case-insensitive substring match of `q` against a folded name column. `instr` rather than
 * LIKE, so `%` and `_` in the query are plain characters with nothing to escape.
 */
export function nameContains(foldedColumn: Column, q: string) {
  return sql`instr(${foldedColumn}, ${foldName(q)}) > 0`;
}
