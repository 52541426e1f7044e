SELECT data_through, verification_window_days FROM `acme-prod.evidence.pack_settings`
