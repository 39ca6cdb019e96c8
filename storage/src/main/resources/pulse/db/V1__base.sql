-- The seed's four tables, with their columns as the spec fixes them, plus PULSE's own.
CREATE TABLE IF NOT EXISTS users (
  id VARCHAR(36) PRIMARY KEY,
  username VARCHAR(255) UNIQUE NOT NULL,
  display_name VARCHAR(255),
  email VARCHAR(255),
  `groups` TEXT,
  last_login TIMESTAMP NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS workers (
  id VARCHAR(36) PRIMARY KEY,
  name VARCHAR(255) UNIQUE NOT NULL,
  status VARCHAR(50) NOT NULL,
  last_heartbeat TIMESTAMP NULL,
  api_key VARCHAR(255),
  metadata JSON,
  worker_groups TEXT,
  version VARCHAR(64),
  created_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
  INDEX idx_status (status),
  INDEX idx_heartbeat (last_heartbeat)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS workflows (
  id VARCHAR(36) PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  definition JSON NOT NULL,
  created_by VARCHAR(255),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS executions (
  id VARCHAR(36) PRIMARY KEY,
  workflow_id VARCHAR(36) NOT NULL,
  status VARCHAR(50) NOT NULL,
  started_by VARCHAR(255),
  started_at TIMESTAMP NULL,
  completed_at TIMESTAMP NULL,
  logs JSON,
  workflow_name VARCHAR(255),
  definition JSON,
  state JSON,
  owner VARCHAR(64),
  lease_until TIMESTAMP(3) NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  FOREIGN KEY (workflow_id) REFERENCES workflows(id) ON DELETE CASCADE,
  INDEX idx_workflow (workflow_id),
  INDEX idx_status (status),
  INDEX idx_started (started_at),
  INDEX idx_created (created_at),
  -- the engine's lease scans: active executions by lease expiry, and by owner
  INDEX idx_lease (status, lease_until),
  INDEX idx_owner (owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every command PULSE hands to a worker, step or direct; command_id is the idempotency key.
CREATE TABLE IF NOT EXISTS commands (
  command_id VARCHAR(36) PRIMARY KEY,
  execution_id VARCHAR(36) NULL,
  step_index INT NOT NULL DEFAULT -1,
  worker_id VARCHAR(36) NOT NULL,
  worker_name VARCHAR(255),
  command TEXT NOT NULL,
  timeout_ms BIGINT NOT NULL,
  status VARCHAR(20) NOT NULL,
  requested_by VARCHAR(255),
  result JSON NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  completed_at TIMESTAMP(3) NULL,
  INDEX idx_cmd_execution (execution_id),
  INDEX idx_cmd_worker_status (worker_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor VARCHAR(255) NOT NULL,
  action VARCHAR(64) NOT NULL,
  target_type VARCHAR(32),
  target_id VARCHAR(64),
  source_ip VARCHAR(64),
  details JSON,
  INDEX idx_audit_at (at),
  INDEX idx_audit_actor (actor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
