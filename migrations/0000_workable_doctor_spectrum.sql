CREATE TABLE `datasets` (
	`dataset_uuid` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`name` text NOT NULL,
	`digest` text NOT NULL,
	`source_type` text NOT NULL,
	`source` text NOT NULL,
	`schema` text,
	`profile` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_experiment_name_digest` ON `datasets` (`experiment_id`,`name`,`digest`);--> statement-breakpoint
CREATE TABLE `experiment_tags` (
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `key`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `experiments` (
	`experiment_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`artifact_location` text NOT NULL,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`creation_time` integer NOT NULL,
	`last_update_time` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_name_unique` ON `experiments` (`name`);--> statement-breakpoint
CREATE TABLE `latest_metrics` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`step` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`value` real NOT NULL,
	`is_nan` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `latest_metrics_key_value` ON `latest_metrics` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`timestamp` integer NOT NULL,
	`value` real NOT NULL,
	`is_nan` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metrics_run_key_step` ON `metrics` (`run_uuid`,`key`,`step`,`timestamp`);--> statement-breakpoint
CREATE TABLE `model_version_tags` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`name`, `version`, `key`)
);
--> statement-breakpoint
CREATE TABLE `model_versions` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`user_id` text DEFAULT '' NOT NULL,
	`current_stage` text DEFAULT 'None' NOT NULL,
	`source` text NOT NULL,
	`run_id` text DEFAULT '' NOT NULL,
	`run_link` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'READY' NOT NULL,
	`status_message` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`name`, `version`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_versions_run_id` ON `model_versions` (`run_id`);--> statement-breakpoint
CREATE TABLE `params` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `params_key_value` ON `params` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `promotion_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model_name` text NOT NULL,
	`kind` text NOT NULL,
	`alias` text,
	`version` integer NOT NULL,
	`from_value` text,
	`to_value` text,
	`user_id` text DEFAULT '' NOT NULL,
	`time` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `promotion_events_model_time` ON `promotion_events` (`model_name`,`time`);--> statement-breakpoint
CREATE TABLE `registered_model_aliases` (
	`name` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`name`, `alias`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registered_model_tags` (
	`name` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`name`, `key`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registered_models` (
	`name` text PRIMARY KEY NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_inputs` (
	`run_uuid` text NOT NULL,
	`dataset_uuid` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`run_uuid`, `dataset_uuid`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dataset_uuid`) REFERENCES `datasets`(`dataset_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `run_tags` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_tags_key_value` ON `run_tags` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `runs` (
	`run_uuid` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`run_name` text NOT NULL,
	`user_id` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'RUNNING' NOT NULL,
	`start_time` integer NOT NULL,
	`end_time` integer,
	`artifact_uri` text NOT NULL,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`deleted_time` integer,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runs_experiment_stage_start` ON `runs` (`experiment_id`,`lifecycle_stage`,`start_time`);--> statement-breakpoint
CREATE INDEX `runs_start_time` ON `runs` (`start_time`);