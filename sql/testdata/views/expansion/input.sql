-- Thresholds: at least 2 reviewed cases, accuracy 0.9, no sev1, at most 1
-- incident, growth 0.5. data_through is 2026-09-20.
--   claims   draft, 3 of 3 reviews correct, no incident -> autonomy to
--            recommendation; 2 resolved cases in July, 4 in September ->
--            growth (4 - 2) / 2 = 1.0 -> volume (quarter only)
--   billing  recommendation, 3 of 3 correct but one sev1 -> no autonomy;
--            2 and 2 resolved cases -> growth 0
--   support  bounded_automation, 1 of 2 correct -> no autonomy
--   intake   full_workflow in trial -> workflow candidate, no next level
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-09-20 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC');
INSERT INTO account_workflows VALUES
  ('acme', 'claims', 600, 0.10, 60.00, 'draft', FALSE),
  ('acme', 'billing', 300, 0.20, 40.00, 'recommendation', FALSE),
  ('acme', 'support', 300, 0.20, 40.00, 'bounded_automation', FALSE),
  ('acme', 'intake', 100, 0.05, 50.00, 'full_workflow', TRUE);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type, handle_time_seconds) VALUES
  ('e01', TIMESTAMP '2026-07-01 10:00:00', 'acme', 'claims', 'c1', 'u1', 'case_resolved', 300),
  ('e02', TIMESTAMP '2026-07-02 10:00:00', 'acme', 'claims', 'c2', 'u1', 'case_resolved', 300),
  ('e03', TIMESTAMP '2026-09-01 10:00:00', 'acme', 'claims', 'c3', 'u1', 'case_resolved', 300),
  ('e04', TIMESTAMP '2026-09-02 10:00:00', 'acme', 'claims', 'c4', 'u1', 'case_resolved', 300),
  ('e05', TIMESTAMP '2026-09-03 10:00:00', 'acme', 'claims', 'c5', 'u1', 'case_resolved', 300),
  ('e06', TIMESTAMP '2026-09-04 10:00:00', 'acme', 'claims', 'c6', 'u1', 'case_resolved', 300),
  ('e07', TIMESTAMP '2026-07-01 10:00:00', 'acme', 'billing', 'b1', 'u2', 'case_resolved', 200),
  ('e08', TIMESTAMP '2026-07-02 10:00:00', 'acme', 'billing', 'b2', 'u2', 'case_resolved', 200),
  ('e09', TIMESTAMP '2026-09-01 10:00:00', 'acme', 'billing', 'b3', 'u2', 'case_resolved', 200),
  ('e10', TIMESTAMP '2026-09-02 10:00:00', 'acme', 'billing', 'b4', 'u2', 'case_resolved', 200);
INSERT INTO review_labels (label_id, labeled_at, account_id, workflow, case_id, reviewer_id, verdict) VALUES
  ('L1', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'claims', 'c1', 'rev1', 'correct'),
  ('L2', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'claims', 'c2', 'rev1', 'correct'),
  ('L3', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'claims', 'c9', 'rev1', 'correct'),
  ('L4', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'billing', 'b1', 'rev1', 'correct'),
  ('L5', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'billing', 'b2', 'rev1', 'correct'),
  ('L6', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'billing', 'b9', 'rev1', 'correct'),
  ('L7', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'support', 's1', 'rev1', 'correct'),
  ('L8', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'support', 's2', 'rev1', 'incorrect');
INSERT INTO incidents (incident_id, account_id, severity, opened_at, resolved_at, status, workflow) VALUES
  ('P1', 'acme', 'sev1', TIMESTAMP '2026-07-10 00:00:00', TIMESTAMP '2026-07-10 02:00:00', 'resolved', 'billing');
