import type { Database } from "../database";
import { CURRENT_VERSION, NEXT_VERSION, type NewSketch, SKETCH_COLUMNS, SKETCH_REPLACE, SKETCH_WRITE_COLUMNS, type SketchRow, sketchValues } from "./row";

// The universe sketch: every user the platform can reach, one row (id 1) at most.

const UPSERT = `INSERT INTO universe_sketch (id, ${SKETCH_WRITE_COLUMNS}) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ${CURRENT_VERSION})
  ON CONFLICT (id) DO UPDATE SET ${SKETCH_REPLACE}
  RETURNING ${SKETCH_COLUMNS}, revision`;
const FIND = `SELECT ${SKETCH_COLUMNS}, CASE WHEN ?1 THEN hex(sketch) END AS sketch_hex FROM universe_sketch WHERE id = 1`;
const DELETE = "DELETE FROM universe_sketch WHERE id = 1 RETURNING version";

/** Stores or replaces the universe sketch in ONE batch (a new sketch version, the upsert). */
export async function putUniverseSketch(db: Database, sketch: NewSketch): Promise<{ created: boolean; sketch: SketchRow }> {
  const [, stored] = await db.batch([db.statement(NEXT_VERSION), db.statement(UPSERT, ...sketchValues(sketch))]);
  const { revision, ...row } = stored![0] as SketchRow & { revision: number };
  return { created: revision === 1, sketch: row };
}

/** The universe sketch, if stored: ONE query; `withBytes`: its bytes too, as hex. */
export async function findUniverseSketch(db: Database, withBytes: boolean): Promise<{ sketch: SketchRow; hex?: string } | undefined> {
  const row = await db.first<SketchRow & { sketch_hex: string | null }>(db.statement(FIND, withBytes ? 1 : 0));
  if (!row) return undefined;
  const { sketch_hex, ...sketch } = row;
  return sketch_hex === null ? { sketch } : { sketch, hex: sketch_hex };
}

/** Deletes the universe sketch; whether there was one. */
export async function deleteUniverseSketch(db: Database): Promise<boolean> {
  return (await db.all(db.statement(DELETE))).length > 0;
}
