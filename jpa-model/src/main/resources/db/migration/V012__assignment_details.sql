-- yoq schema, version 12: what a replica on an agent needs besides image, command and limits (spec §5.3):
-- the node labels it requires (k=v CSV, the scheduler's required_labels) and its run details as JSON
-- (env, cap_add, cap_drop, user_namespace, health_check) that its agent applies. Replicated, like the rest.
ALTER TABLE assignments ADD COLUMN required_labels TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
