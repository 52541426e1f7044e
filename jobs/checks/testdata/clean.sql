-- Rows that pass every built-in check: two accounts, one row or two per
-- fact table, and one unattributed cost line.
INSERT INTO accounts VALUES
  ('acme', 'Acme', 'USD', NULL, NULL, TRUE, 'UTC'),
  ('globex', 'Globex', 'EUR', NULL, NULL, FALSE, 'UTC');
INSERT INTO usage_events VALUES
  ('e1', TIMESTAMP '2026-09-28 10:00:00', 'acme', 'claims', 'c1', 'u1', 'case_resolved', 'draft', 300, 'app', DATE '2026-09-28'),
  ('e2', TIMESTAMP '2026-09-29 11:00:00', 'globex', 'claims', 'c2', 'u2', 'case_opened', NULL, NULL, 'app', DATE '2026-09-29');
INSERT INTO review_labels VALUES
  ('l1', TIMESTAMP '2026-09-28 12:00:00', 'acme', 'claims', 'c1', 'r1', 'correct', NULL, NULL, NULL, 'review', DATE '2026-09-28');
INSERT INTO cost_lines VALUES
  ('k1', TIMESTAMP '2026-09-27 00:00:00', TIMESTAMP '2026-09-28 00:00:00', 'acme', 'aws', 'bedrock', 's', 'Usage', 1, 'Tokens', 1.5, 1.5, 'USD', FALSE, 'bill', DATE '2026-09-27'),
  ('k2', TIMESTAMP '2026-09-27 00:00:00', TIMESTAMP '2026-09-28 00:00:00', 'unattributed', 'aws', 'bedrock', 's', 'Usage', 1, 'Tokens', 0.5, 0.5, 'USD', FALSE, 'bill', DATE '2026-09-27');
INSERT INTO incidents VALUES
  ('i1', 'acme', 'sev2', TIMESTAMP '2026-09-28 08:00:00', TIMESTAMP '2026-09-28 08:05:00', TIMESTAMP '2026-09-28 09:00:00', 'resolved', 't', 'api', NULL, NULL, 'pd', DATE '2026-09-28'),
  ('i2', 'acme', 'sev3', TIMESTAMP '2026-09-29 08:00:00', NULL, NULL, 'triggered', 't', 'api', NULL, NULL, 'pd', DATE '2026-09-29');
