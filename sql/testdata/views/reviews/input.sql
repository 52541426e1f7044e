-- Latest verdict per case and period wins, by labeled_at then label_id.
--   r1 July: incorrect (07-01) then correct (07-05)            -> correct
--   r2 July: correct and partially_correct at the same instant; label_id
--      L4 > L3 so partially_correct wins                       -> not correct
--   r3 July: correct, incorporated as eval-1                   -> correct
--   r4 August: incorrect, incorporated as fix-9                -> not correct
--   r5 incorrect in July, correct in August: July counts it incorrect,
--      August and the quarter count it correct
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC');
INSERT INTO review_labels (label_id, labeled_at, account_id, workflow, case_id, reviewer_id, verdict, failure_category, incorporated_as) VALUES
  ('L1', TIMESTAMP '2026-07-01 09:00:00', 'acme', 'claims', 'r1', 'rev1', 'incorrect', 'hallucination', NULL),
  ('L2', TIMESTAMP '2026-07-05 09:00:00', 'acme', 'claims', 'r1', 'rev2', 'correct', NULL, NULL),
  ('L3', TIMESTAMP '2026-07-02 09:00:00', 'acme', 'claims', 'r2', 'rev1', 'correct', NULL, NULL),
  ('L4', TIMESTAMP '2026-07-02 09:00:00', 'acme', 'claims', 'r2', 'rev2', 'partially_correct', 'tone', NULL),
  ('L5', TIMESTAMP '2026-07-03 09:00:00', 'acme', 'claims', 'r3', 'rev1', 'correct', NULL, 'eval-1'),
  ('L6', TIMESTAMP '2026-08-01 09:00:00', 'acme', 'claims', 'r4', 'rev1', 'incorrect', 'hallucination', 'fix-9'),
  ('L7', TIMESTAMP '2026-07-10 09:00:00', 'acme', 'claims', 'r5', 'rev1', 'incorrect', 'wrong_field', NULL),
  ('L8', TIMESTAMP '2026-08-10 09:00:00', 'acme', 'claims', 'r5', 'rev2', 'correct', NULL, NULL);
