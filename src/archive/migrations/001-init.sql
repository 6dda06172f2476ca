-- The archive of finished executions and decided tickets. Runs with search_path set to the archive's
-- schema. Documents are json, not jsonb: json keeps the text as written, so a document reads back
-- exactly (jsonb reorders keys, and the API shows Outputs and Properties as JSON text; it also refuses
-- \u0000). What SQL filters on is in columns of its own, tags as jsonb.

CREATE TABLE executions (
  id text PRIMARY KEY,
  status text NOT NULL,
  template_name text NOT NULL,
  template_version text NOT NULL,
  -- sha256 of the template's content, when the archiving caller knew it
  template_hash text,
  executed_by text,
  parent_id text,
  mode text NOT NULL,
  description text,
  create_date timestamptz NOT NULL,
  end_date timestamptz,
  tags jsonb NOT NULL DEFAULT '{}',
  -- child execution ids, and the loop tasks whose items are kept (a loop may have none)
  children jsonb NOT NULL DEFAULT '[]',
  loop_tasks jsonb NOT NULL DEFAULT '[]',
  doc json NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now()
);
-- Lists are newest first, each filter paging on (create_date, id).
CREATE INDEX executions_created ON executions (create_date DESC, id DESC);
CREATE INDEX executions_status ON executions (status, create_date DESC, id DESC);
CREATE INDEX executions_template ON executions (template_name, create_date DESC, id DESC);
CREATE INDEX executions_executed_by ON executions (executed_by, create_date DESC, id DESC);
CREATE INDEX executions_parent ON executions (parent_id, create_date DESC, id DESC);
CREATE INDEX executions_end ON executions (end_date);
CREATE INDEX executions_tags ON executions USING gin (tags jsonb_path_ops);

-- Every run of every task (ListTaskExecutions), in the order they were given.
CREATE TABLE task_executions (
  execution_id text NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  task_execution_id text NOT NULL,
  ord integer NOT NULL,
  doc json NOT NULL,
  PRIMARY KEY (execution_id, task_execution_id)
);

-- A loop task's items, by the loop task's execution id and the item's index.
CREATE TABLE loop_items (
  execution_id text NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  task_execution_id text NOT NULL,
  idx integer NOT NULL,
  doc json NOT NULL,
  PRIMARY KEY (execution_id, task_execution_id, idx)
);

-- Tickets may be archived before or without their execution (CreateApproval's have none).
CREATE TABLE tickets (
  id text PRIMARY KEY,
  execution_id text,
  template_name text,
  template_hash text,
  status text NOT NULL,
  create_date timestamptz,
  decided_at timestamptz,
  doc json NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_execution ON tickets (execution_id);

-- One row a vote, for the audit; `date` is the vote's date exactly as recorded, `at` the same instant.
CREATE TABLE votes (
  ticket_id text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  level integer NOT NULL,
  voter text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('AGREE', 'REJECT')),
  comment text,
  channel text,
  date text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, level, voter)
);
CREATE INDEX votes_at ON votes (at, ticket_id, level, voter);
