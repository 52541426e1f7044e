SELECT account_id, check_name, detail, affected_rows
FROM data_quality_notes
WHERE grain = 'quarter'
ORDER BY account_id, check_name, detail
