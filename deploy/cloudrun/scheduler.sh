#!/bin/sh
# Deploys the Cloud Run job and a Cloud Scheduler trigger that starts it
# at 02:30 UTC every day. Set PROJECT_ID, REGION and the service account
# first; the account needs roles/run.invoker on the job.
set -eu
: "${PROJECT_ID:?set PROJECT_ID}"
: "${REGION:?set REGION}"
SA="evidencepack-scheduler@${PROJECT_ID}.iam.gserviceaccount.com"

gcloud run jobs replace deploy/cloudrun/job.yaml --project "$PROJECT_ID" --region "$REGION"

gcloud scheduler jobs create http evidencepack-nightly \
  --project "$PROJECT_ID" \
  --location "$REGION" \
  --schedule "30 2 * * *" \
  --time-zone "Etc/UTC" \
  --http-method POST \
  --uri "https://run.googleapis.com/v2/projects/${PROJECT_ID}/locations/${REGION}/jobs/evidencepack:run" \
  --oauth-service-account-email "$SA"
