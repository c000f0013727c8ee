/**
 * The trigger that deletes a segment's sketch with the segment, exactly as migrations/0010
 * installs it (test/db/sketch-triggers.test.ts compares it with `sqlite_master`). A trigger
 * rather than a foreign key: a rebuild of `segments` (as migrations/0007's) would cascade.
 */
export const SKETCH_TRIGGERS: Readonly<Record<string, string>> = {
  segments_sketch_delete: `CREATE TRIGGER \`segments_sketch_delete\` AFTER DELETE ON \`segments\`
BEGIN
	DELETE FROM \`segment_sketches\` WHERE \`segment_type\` = OLD.\`segment_type\` AND \`segment_id\` = OLD.\`segment_id\` AND \`owner_scope\` = OLD.\`owner_scope\`;
END`,
};
