CREATE TABLE `jobs` (
	`job_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`params` text NOT NULL,
	`progress` text NOT NULL,
	`error` text,
	`result_run_ids` text DEFAULT '[]' NOT NULL,
	`log_tail` text DEFAULT '' NOT NULL,
	`owner_pid` integer NOT NULL,
	`created_time` integer NOT NULL,
	`updated_time` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_created_time` ON `jobs` (`created_time`);--> statement-breakpoint
CREATE INDEX `jobs_status` ON `jobs` (`status`);--> statement-breakpoint
CREATE TABLE `metric_rollup_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_metric_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metric_rollups` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`width` integer NOT NULL,
	`bucket` integer NOT NULL,
	`points` integer NOT NULL,
	`min_step` integer,
	`min_timestamp` integer,
	`min_value` real,
	`max_step` integer,
	`max_timestamp` integer,
	`max_value` real,
	PRIMARY KEY(`run_uuid`, `key`, `width`, `bucket`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
