-- Canonical documents (docs/storage.md, "Catalog owners"). The in-use guard and
-- the reverse lookup find a queued group's member by its exact text in the document, so every
-- document must be written exactly as src/db/segment-groups/document.ts writes it; these
-- triggers refuse any other form for every writer. Documents a raw writer stored in another
-- form are first rewritten in canonical form (the update triggers queue them for the reverse
-- index and adjust the stored bytes as for any change).
--
-- Written by hand (no schema change): src/db/segments/integrity.ts (DOCUMENT_TRIGGERS) and
-- canonicalSubgroupsSql build this text; test/db/catalog-triggers.test.ts compares it with the
-- installed triggers.
UPDATE `segment_groups` SET `subgroups` = (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(`subgroups`) AS s)
WHERE `subgroups` IS NOT (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(`subgroups`) AS s);--> statement-breakpoint
CREATE TRIGGER `segment_groups_subgroups_canonical_insert` BEFORE INSERT ON `segment_groups`
WHEN NEW.`subgroups` IS NOT (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(NEW.`subgroups`) AS s)
BEGIN
	SELECT RAISE(ABORT, 'segment_groups.subgroups must be canonical JSON, as src/db/segment-groups/document.ts writes it');
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_subgroups_canonical_update` BEFORE UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` AND NEW.`subgroups` IS NOT (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(NEW.`subgroups`) AS s)
BEGIN
	SELECT RAISE(ABORT, 'segment_groups.subgroups must be canonical JSON, as src/db/segment-groups/document.ts writes it');
END;
