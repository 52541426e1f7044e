-- acme incidents. July: resolved after 2 h, 4 h, 6 h and 10 h, and one
-- still open. The median of the even count is (4 h + 6 h) / 2 = 5 h.
-- August: one resolved after 1 h. Quarter: 1, 2, 4, 6, 10 h, median 4 h.
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC');
INSERT INTO incidents (incident_id, account_id, severity, opened_at, resolved_at, status, workflow) VALUES
  ('P1', 'acme', 'sev1', TIMESTAMP '2026-07-01 00:00:00', TIMESTAMP '2026-07-01 02:00:00', 'resolved', 'claims'),
  ('P2', 'acme', 'sev2', TIMESTAMP '2026-07-02 00:00:00', TIMESTAMP '2026-07-02 04:00:00', 'resolved', NULL),
  ('P3', 'acme', 'sev2', TIMESTAMP '2026-07-03 00:00:00', TIMESTAMP '2026-07-03 06:00:00', 'resolved', NULL),
  ('P4', 'acme', 'sev3', TIMESTAMP '2026-07-04 00:00:00', TIMESTAMP '2026-07-04 10:00:00', 'resolved', NULL),
  ('P5', 'acme', 'sev4', TIMESTAMP '2026-07-05 00:00:00', NULL, 'triggered', NULL),
  ('P6', 'acme', 'sev2', TIMESTAMP '2026-08-01 00:00:00', TIMESTAMP '2026-08-01 01:00:00', 'resolved', NULL);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type) VALUES
  ('x1', TIMESTAMP '2026-07-09 00:00:00', 'acme', NULL, NULL, 'u1', 'audit_export_completed'),
  ('x2', TIMESTAMP '2026-08-09 00:00:00', 'acme', NULL, NULL, 'u1', 'audit_export_completed');
