-- A running execution's state, stored in parts: executions.state keeps the execution-wide fields
-- and execution_steps one row per step, so that a decision rewrites only the steps it changed,
-- not the whole state of a long workflow. Log lines decided while an execution runs are appended
-- to execution_logs and moved into executions.logs, in order, when it ends. The engine writes
-- both tables; their JSON is not checked again here. IF NOT EXISTS makes a re-run harmless.
CREATE TABLE IF NOT EXISTS execution_steps (
  execution_id VARCHAR(36) NOT NULL,
  step_index INT NOT NULL,
  state LONGTEXT NOT NULL,
  PRIMARY KEY (execution_id, step_index),
  FOREIGN KEY (execution_id) REFERENCES executions(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS execution_logs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  execution_id VARCHAR(36) NOT NULL,
  log_lines LONGTEXT NOT NULL,
  INDEX idx_exec_logs (execution_id, id),
  FOREIGN KEY (execution_id) REFERENCES executions(id) ON DELETE CASCADE
);
