-- Indexes the retention pruner walks, oldest first, a batch at a time. InnoDB adds them online
-- (writes go on meanwhile); IF NOT EXISTS makes a re-run after a failure half-way harmless.

-- Ended executions by end time.
CREATE INDEX IF NOT EXISTS idx_exec_ended ON executions (status, completed_at);

-- Finished direct commands (execution_id NULL) by end time.
CREATE INDEX IF NOT EXISTS idx_cmd_direct_ended ON commands (execution_id, completed_at);
