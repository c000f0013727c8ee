-- The floor for storing a group: one row for the group, one per member; primary keys only,
-- no checks, no foreign keys, no secondary indexes.
CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  organization_id INTEGER,
  name TEXT,
  type TEXT,
  status INTEGER,
  created_at TEXT
);
CREATE TABLE members (
  group_id TEXT,
  subgroup_position INTEGER,
  position INTEGER,
  segment_type TEXT,
  segment_id INTEGER,
  PRIMARY KEY (group_id, subgroup_position, position)
);
