-- yoq schema, version 14: when a run on an agent ended (the time of its agent's stopped or failed report), so a
-- worker's or cron's run on a cluster shows a finish time as on a single node. NULL while it runs, and for reports
-- recorded before this version. Replicated, like the rest of the table.
ALTER TABLE assignments ADD COLUMN finished_at INTEGER;
