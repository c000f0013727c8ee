-- Idempotency keys (src/db/idempotency/). One row per key a caller (the token's `sub`) used on
-- a route, written in the same D1 batch as the write it answers, holding what a replay needs:
-- the request's fingerprint, the answer's status and a JSON snapshot of the rows it returned.
--
-- Written by hand (drizzle-kit cannot express WITHOUT ROWID); a new table with no foreign
-- keys and no rebuild, so it is correct with foreign keys ON, as D1 always runs. The primary
-- key is the scope: a second write under the same key is impossible at the database.
CREATE TABLE `idempotency_keys` (
	`subject` text NOT NULL,
	`route` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status` integer NOT NULL,
	`snapshot` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`subject`, `route`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The hourly purge reads only the expired keys.
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`expires_at`);
