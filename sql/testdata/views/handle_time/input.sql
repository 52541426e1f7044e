-- Three workflows of acme in July 2026, window 7 days:
--   claims   baseline 600 s, reopen 0.10, $60/h: 3 resolved cases with
--            300, 360 and 240 s (mean 300), none reopened
--   billing  baseline 300 s, reopen 0.20, $40/h: 2 resolved cases with
--            150 and 250 s (mean 200); b2 is reopened after 1 day
--   intake   baseline 100 s, reopen 0.05, $50/h: 1 resolved case with 200 s,
--            slower than the baseline, so it saves nothing
-- handle_time_reduction = 1 - (3*300 + 2*200 + 1*200) / (3*600 + 2*300 + 1*100)
--                       = 1 - 1500 / 2500 = 0.4
-- reopen_rate = 1/6; baseline = (3*0.10 + 2*0.20 + 1*0.05) / 6 = 0.125;
-- delta = (0.166667 - 0.125) * 100 = 4.166667 points
-- estimated_cost_avoided = 3 * 300 s * 60 / 3600 + 1 * 100 s * 40 / 3600 + 0
--                        = 15 + 1.111111111111111111 (truncated)
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC');
INSERT INTO account_workflows VALUES
  ('acme', 'claims', 600, 0.10, 60.00, 'draft', FALSE),
  ('acme', 'billing', 300, 0.20, 40.00, 'recommendation', FALSE),
  ('acme', 'intake', 100, 0.05, 50.00, 'draft', FALSE);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type, handle_time_seconds) VALUES
  ('e01', TIMESTAMP '2026-07-01 10:00:00', 'acme', 'claims', 'a1', 'u1', 'case_resolved', 300),
  ('e02', TIMESTAMP '2026-07-02 10:00:00', 'acme', 'claims', 'a2', 'u1', 'case_resolved', 360),
  ('e03', TIMESTAMP '2026-07-03 10:00:00', 'acme', 'claims', 'a3', 'u2', 'case_resolved', 240),
  ('e04', TIMESTAMP '2026-07-04 10:00:00', 'acme', 'billing', 'b1', 'u2', 'case_resolved', 150),
  ('e05', TIMESTAMP '2026-07-05 10:00:00', 'acme', 'billing', 'b2', 'u2', 'case_resolved', 250),
  ('e06', TIMESTAMP '2026-07-06 10:00:00', 'acme', 'billing', 'b2', 'u2', 'case_reopened', NULL),
  ('e07', TIMESTAMP '2026-07-07 10:00:00', 'acme', 'intake', 'i1', 'u3', 'case_resolved', 200);
