-- Workflow schedules: one cron expression per workflow, in an IANA time zone.
-- next_run_at is the next due time in UTC (NULL while disabled); an engine that moves it
-- forward (compare-and-set on the old value) is the one that starts the run.
CREATE TABLE IF NOT EXISTS schedules (
  workflow_id VARCHAR(36) PRIMARY KEY,
  cron VARCHAR(255) NOT NULL,
  time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  next_run_at TIMESTAMP NULL,
  updated_by VARCHAR(255),
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  FOREIGN KEY (workflow_id) REFERENCES workflows(id) ON DELETE CASCADE,
  INDEX idx_schedule_due (enabled, next_run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per scheduled run started: the unique key makes a due time start at most once
-- however many engines reach it.
CREATE TABLE IF NOT EXISTS schedule_runs (
  workflow_id VARCHAR(36) NOT NULL,
  due_at TIMESTAMP NOT NULL,
  execution_id VARCHAR(36) NULL,
  node VARCHAR(64),
  missed INT NOT NULL DEFAULT 0,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_schedule_run (workflow_id, due_at),
  FOREIGN KEY (workflow_id) REFERENCES workflows(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
