-- Users of acme: u1 and u2 in July, u2 and u3 in August, u1 in September.
-- Each month has 2, 2 and 1 active users; the quarter has 3, not 5.
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC');
INSERT INTO account_workflows VALUES ('acme', 'claims', 600, 0.10, 60.00, 'draft', FALSE);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type, handle_time_seconds) VALUES
  ('e1', TIMESTAMP '2026-07-01 10:00:00', 'acme', 'claims', 'a1', 'u1', 'case_resolved', 300),
  ('e2', TIMESTAMP '2026-07-02 10:00:00', 'acme', 'claims', 'a2', 'u2', 'suggestion_accepted', NULL),
  ('e3', TIMESTAMP '2026-08-01 10:00:00', 'acme', 'claims', 'a3', 'u2', 'case_resolved', 450),
  ('e4', TIMESTAMP '2026-08-02 10:00:00', 'acme', 'claims', 'a4', 'u3', 'case_resolved', 150),
  ('e5', TIMESTAMP '2026-09-30 23:59:59', 'acme', 'claims', 'a5', 'u1', 'suggestion_accepted', NULL);
