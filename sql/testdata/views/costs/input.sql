-- acme (USD): a commitment purchase row billed 720 with effective cost 720,
-- and 30 usage rows it covers, billed 0 with effective cost 24 each. The
-- effective total is 30 * 24 = 720, not 1440; the billed total is 720.
-- acme also has a GBP line of 5.00, which stays out of the USD totals.
-- acme has 7 verified cases: cost_per_verified_case = 720 / 7, truncated.
-- beta (EUR): credits 30.00, -30.00 and 12.40 net to 12.40, and a 100.00
-- usage line; effective and billed totals are 112.40.
-- gamma (USD): 0.1 + 0.2 is exactly 0.3.
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES
  ('acme', 'Acme Health', 'USD', DATE '2027-01-31', 120000, TRUE, 'UTC'),
  ('beta', 'Beta Versicherung', 'EUR', DATE '2027-03-31', 50000, TRUE, 'UTC'),
  ('gamma', 'Gamma Freight', 'USD', NULL, NULL, TRUE, 'UTC');
INSERT INTO cost_lines (line_id, charge_period_start, charge_period_end, account_id, provider, service, charge_category, billed_cost, effective_cost, currency, commitment_purchase) VALUES
  ('p1', TIMESTAMP '2026-07-01 00:00:00', TIMESTAMP '2026-08-01 00:00:00', 'acme', 'AWS', 'Savings Plans', 'Purchase', 720, 720, 'USD', TRUE),
  ('g1', TIMESTAMP '2026-07-03 00:00:00', TIMESTAMP '2026-07-04 00:00:00', 'acme', 'Azure', 'OpenAI', 'Usage', 5.00, 5.00, 'GBP', FALSE),
  ('b1', TIMESTAMP '2026-07-01 00:00:00', TIMESTAMP '2026-07-02 00:00:00', 'beta', 'GCP', 'Vertex AI', 'Credit', 30.00, 30.00, 'EUR', FALSE),
  ('b2', TIMESTAMP '2026-07-02 00:00:00', TIMESTAMP '2026-07-03 00:00:00', 'beta', 'GCP', 'Vertex AI', 'Credit', -30.00, -30.00, 'EUR', FALSE),
  ('b3', TIMESTAMP '2026-07-03 00:00:00', TIMESTAMP '2026-07-04 00:00:00', 'beta', 'GCP', 'Vertex AI', 'Credit', 12.40, 12.40, 'EUR', FALSE),
  ('b4', TIMESTAMP '2026-07-04 00:00:00', TIMESTAMP '2026-07-05 00:00:00', 'beta', 'GCP', 'Compute Engine', 'Usage', 100.00, 100.00, 'EUR', FALSE),
  ('c1', TIMESTAMP '2026-08-01 00:00:00', TIMESTAMP '2026-08-02 00:00:00', 'gamma', 'AWS', 'Bedrock', 'Usage', 0.1, 0.1, 'USD', FALSE),
  ('c2', TIMESTAMP '2026-08-02 00:00:00', TIMESTAMP '2026-08-03 00:00:00', 'gamma', 'AWS', 'Bedrock', 'Usage', 0.2, 0.2, 'USD', FALSE);
INSERT INTO cost_lines (line_id, charge_period_start, charge_period_end, account_id, provider, service, charge_category, billed_cost, effective_cost, currency, commitment_purchase)
SELECT 'u' || CAST(i AS VARCHAR), TIMESTAMP '2026-07-01 00:00:00' + to_days(CAST(i AS INTEGER)),
  TIMESTAMP '2026-07-02 00:00:00' + to_days(CAST(i AS INTEGER)), 'acme', 'AWS', 'Bedrock', 'Usage', 0, 24, 'USD', FALSE
FROM range(30) AS r(i);
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type)
SELECT 'e' || CAST(i AS VARCHAR), TIMESTAMP '2026-07-01 10:00:00' + to_days(CAST(i AS INTEGER)), 'acme', 'claims',
  'k' || CAST(i AS VARCHAR), 'u1', 'case_resolved'
FROM range(7) AS r(i);
