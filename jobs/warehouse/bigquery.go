package warehouse

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"evidencepack/config"
	evsql "evidencepack/sql"
)

// defaultStagingThreshold is the size of a partition's Parquet files above
// which they are staged in GCS when a bucket is configured. Smaller ones
// travel with the load job request.
const defaultStagingThreshold = 64 << 20

// loadParallelism bounds the load jobs that run at once.
//
// NOTE: BigQuery allows 50 modifications per partitioned table every 10
// seconds. A backfill of many dates may reach that rate, and a job that
// BigQuery rejects for it fails the run without a retry.
const loadParallelism = 8

// BigQueryConfig is the part of the config the BigQuery warehouse reads.
type BigQueryConfig struct {
	Project, Dataset, Location string
	// CredentialsFile is a service account key file; empty means
	// Application Default Credentials.
	CredentialsFile        string
	StagingBucket          string
	StagingPrefix          string
	StagingThresholdBytes  int64
	PartitionExpiration    time.Duration
	RequirePartitionFilter bool
}

// BigQueryConfigOf returns the BigQuery settings of cfg.
func BigQueryConfigOf(cfg *config.Config) BigQueryConfig {
	w := cfg.Warehouse
	c := BigQueryConfig{
		Project: w.Project, Dataset: w.Dataset, Location: w.Location,
		StagingBucket: w.StagingBucket, StagingPrefix: w.StagingPrefix,
		StagingThresholdBytes:  w.StagingThresholdBytes,
		PartitionExpiration:    time.Duration(w.PartitionExpirationDays) * 24 * time.Hour,
		RequirePartitionFilter: w.RequirePartitionFilter,
	}
	if w.CredentialsFile != "" {
		c.CredentialsFile = cfg.Resolve(w.CredentialsFile)
	}
	if c.StagingThresholdBytes == 0 {
		c.StagingThresholdBytes = defaultStagingThreshold
	}
	return c
}

// BigQuery is a BigQuery dataset as the warehouse. Fact tables are
// partitioned by day on dt and clustered by account_id; each partition is
// replaced by one Parquet load job.
type BigQuery struct {
	cfg     BigQueryConfig
	client  *bigquery.Client
	dataset *bigquery.Dataset
	storage *storage.Client // nil without a staging bucket

	mu sync.Mutex
	// schemas holds the schema of each table as EnsureTables found or
	// created it.
	schemas map[string]bigquery.Schema
}

// OpenBigQuery creates the clients. It sends no request, so a missing
// credential or dataset shows up on the first call.
func OpenBigQuery(ctx context.Context, c BigQueryConfig, ep Endpoints) (*BigQuery, error) {
	client, err := bigquery.NewClient(ctx, c.Project, clientOptions(c.CredentialsFile, ep.BigQuery)...)
	if err != nil {
		return nil, fmt.Errorf("bigquery client for project %s: %w", c.Project, err)
	}
	client.Location = c.Location
	w := &BigQuery{cfg: c, client: client, dataset: client.Dataset(c.Dataset)}
	if c.StagingBucket != "" {
		w.storage, err = storage.NewClient(ctx, clientOptions(c.CredentialsFile, ep.Storage)...)
		if err != nil {
			client.Close()
			return nil, fmt.Errorf("cloud storage client: %w", err)
		}
	}
	return w, nil
}

// clientOptions selects the credentials. An endpoint other than Google's
// is a test fake and gets no credentials at all.
func clientOptions(credentialsFile, endpoint string) []option.ClientOption {
	switch {
	case endpoint != "":
		return []option.ClientOption{option.WithEndpoint(endpoint), option.WithoutAuthentication()}
	case credentialsFile != "":
		return []option.ClientOption{option.WithAuthCredentialsFile(option.ServiceAccount, credentialsFile)}
	}
	return nil
}

// Dialect returns the BigQuery dialect of the configured dataset.
func (w *BigQuery) Dialect() evsql.Dialect { return evsql.BigQuery(w.cfg.Project, w.cfg.Dataset) }

// Close closes the clients.
func (w *BigQuery) Close() error {
	var errs []error
	if w.storage != nil {
		errs = append(errs, w.storage.Close())
	}
	errs = append(errs, w.client.Close())
	return errors.Join(errs...)
}
