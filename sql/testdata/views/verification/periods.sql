SELECT grain, period, period_start, period_end FROM periods ORDER BY grain, period
