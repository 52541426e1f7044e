{{- /* finance_settings: the end of the data and the verification window of
the one pack_settings row, which decide whether a month is provisional. */ -}}
SELECT data_through, verification_window_days FROM {{ table "pack_settings" }}
