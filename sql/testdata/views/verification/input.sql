-- Verification window of 7 days. Cases of account acme in July 2026:
--   c1 resolved, never reopened                      -> verified
--   c2 resolved 07-02, reopened 07-05 (3 days)       -> not verified
--   c3 resolved 07-03, reopened 07-12 (9 days)       -> verified
--   c4 resolved 07-04, reopened 07-06, resolved 07-08 -> counts once, at
--      07-08, verified (the reopening is before the last resolution)
--   c5 resolved 07-30, reopened 08-02 (next month)   -> not verified
--   c6 resolved 07-10 00:00, reopened 07-17 00:00 (exactly 7 days) -> not
--      verified, the window end is inclusive
-- Account beta reopens its own c1, which must not touch acme's c1.
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type) VALUES
  ('e01', TIMESTAMP '2026-07-01 10:00:00', 'acme', 'claims', 'c1', 'u1', 'case_resolved'),
  ('e02', TIMESTAMP '2026-07-02 10:00:00', 'acme', 'claims', 'c2', 'u1', 'case_resolved'),
  ('e03', TIMESTAMP '2026-07-05 10:00:00', 'acme', 'claims', 'c2', 'u1', 'case_reopened'),
  ('e04', TIMESTAMP '2026-07-03 10:00:00', 'acme', 'claims', 'c3', 'u1', 'case_resolved'),
  ('e05', TIMESTAMP '2026-07-12 10:00:00', 'acme', 'claims', 'c3', 'u1', 'case_reopened'),
  ('e06', TIMESTAMP '2026-07-04 10:00:00', 'acme', 'claims', 'c4', 'u1', 'case_resolved'),
  ('e07', TIMESTAMP '2026-07-06 10:00:00', 'acme', 'claims', 'c4', 'u1', 'case_reopened'),
  ('e08', TIMESTAMP '2026-07-08 10:00:00', 'acme', 'claims', 'c4', 'u1', 'case_resolved'),
  ('e09', TIMESTAMP '2026-07-30 10:00:00', 'acme', 'claims', 'c5', 'u1', 'case_resolved'),
  ('e10', TIMESTAMP '2026-08-02 10:00:00', 'acme', 'claims', 'c5', 'u1', 'case_reopened'),
  ('e11', TIMESTAMP '2026-07-10 00:00:00', 'acme', 'claims', 'c6', 'u1', 'case_resolved'),
  ('e12', TIMESTAMP '2026-07-17 00:00:00', 'acme', 'claims', 'c6', 'u1', 'case_reopened'),
  ('e13', TIMESTAMP '2026-07-02 09:00:00', 'beta', 'claims', 'c1', 'u9', 'case_reopened');
