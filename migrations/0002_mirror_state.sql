CREATE TABLE `mirror_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`remote_url` text NOT NULL,
	`created` integer NOT NULL,
	`last_sync_started` integer,
	`last_sync_finished` integer,
	`last_success` integer,
	`last_error` text,
	`counts` text
);
