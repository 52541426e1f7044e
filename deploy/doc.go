// Package deploy holds deployment examples for evidencepack: a crontab
// line, systemd units, a Kubernetes CronJob and a Cloud Run job with its
// Cloud Scheduler trigger. Its tests parse each file and run the command
// line it contains against the real binary.
package deploy
