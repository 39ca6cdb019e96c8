-- Child executions: the branches of a parallel step, the workflow a workflow step runs and a
-- step's own onFailure steps run as executions of their own, linked to the execution that
-- started them. IF NOT EXISTS makes a re-run after a failure half-way harmless.
ALTER TABLE executions ADD COLUMN IF NOT EXISTS parent_id VARCHAR(36) NULL;

CREATE INDEX IF NOT EXISTS idx_exec_parent ON executions (parent_id);
