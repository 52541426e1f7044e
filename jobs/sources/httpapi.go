package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// maxAttempts is how often one request is sent before a 429 or 5xx
	// response fails the run.
	maxAttempts = 6
	// maxBackoff caps the wait between attempts when the server names
	// none.
	maxBackoff = 60 * time.Second
	// maxResponseBytes caps one API response page.
	maxResponseBytes = 256 << 20
)

// apiClient sends GET requests to a REST API with a token, retrying 429
// and 5xx responses.
type apiClient struct {
	base     string
	auth     string // the Authorization header value; never logged
	tokenEnv string
	accept   string
	http     *http.Client
	sleep    func(context.Context, time.Duration) error
	log      *slog.Logger
	// firstServed is the Date header of the first 200 response, which is
	// the server's clock when the first page of a fetch was read. It is
	// zero until then, or when the server sends no valid Date.
	firstServed time.Time
}

// errAuth marks a 401 or 403 response.
var errAuth = errors.New("authentication failed")

// get returns the body of a 200 response to GET base+path?query.
func (c *apiClient) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	endpoint := strings.TrimRight(c.base, "/") + path
	if len(query) > 0 {
		endpoint += "?" + query.Encode()
	}
	for attempt := 1; ; attempt++ {
		body, retryAfter, err := c.send(ctx, endpoint)
		if err == nil || retryAfter < 0 || attempt == maxAttempts {
			return body, err
		}
		wait := retryAfter
		if wait == 0 {
			wait = min(time.Second<<(attempt-1), maxBackoff)
		}
		c.log.Warn("retrying API request", "endpoint", endpoint, "attempt", attempt, "wait", wait, "err", err)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("GET %s: %w", endpoint, err)
		}
	}
}

// send sends one request. A retryable failure returns the wait that the
// server requested, or 0 when it named none. Any other failure returns -1.
func (c *apiClient) send(ctx context.Context, endpoint string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, -1, fmt.Errorf("GET %s: %w", endpoint, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", c.accept)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, fmt.Errorf("GET %s: %w", endpoint, ctx.Err())
		}
		return nil, 0, fmt.Errorf("GET %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: read response: %w", endpoint, err)
	}
	return c.classify(endpoint, resp, body)
}

func (c *apiClient) classify(endpoint string, resp *http.Response, body []byte) ([]byte, time.Duration, error) {
	status := resp.StatusCode
	switch {
	case status == http.StatusOK:
		if served, err := http.ParseTime(resp.Header.Get("Date")); err == nil && c.firstServed.IsZero() {
			c.firstServed = served.UTC()
		}
		return body, 0, nil
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, -1, fmt.Errorf("GET %s: HTTP %d: %w: check the token in the environment variable %s",
			endpoint, status, errAuth, c.tokenEnv)
	case status == http.StatusTooManyRequests || status >= 500:
		return nil, retryDelay(resp.Header), fmt.Errorf("GET %s: HTTP %d: %s", endpoint, status, snippet(body))
	}
	return nil, -1, &httpStatusError{Endpoint: endpoint, Status: status, Body: snippet(body)}
}

// httpStatusError is a response that is neither a success nor retried.
type httpStatusError struct {
	Endpoint string
	Status   int
	Body     string
}

func (e *httpStatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d: %s", e.Endpoint, e.Status, e.Body)
}

// retryDelay reads Retry-After (seconds or an HTTP date) or, failing
// that, the ratelimit-reset header in seconds that PagerDuty sends.
func retryDelay(h http.Header) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(time.Until(at), time.Second)
		}
	}
	if v := h.Get("Ratelimit-Reset"); v != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
	}
	return 0
}

func snippet(body []byte) string {
	const maxLen = 300
	s := strings.TrimSpace(string(body))
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	return s
}

// token reads the token variable, failing with its name when it is unset.
func token(getenv func(string) string, source, variable string) (string, error) {
	v := getenv(variable)
	if v == "" {
		return "", fmt.Errorf("source %s: environment variable %s is not set; export the API token in it", source, variable)
	}
	return v, nil
}
