SELECT grain, period, provisional FROM account_metrics ORDER BY grain, period
