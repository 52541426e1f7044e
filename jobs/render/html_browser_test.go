package render

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browserConsole collects console errors and uncaught exceptions of a tab.
type browserConsole struct {
	mu     sync.Mutex
	errors []string
}

// watch reads the tab's console messages until ctx ends.
func (c *browserConsole) watch(ctx context.Context) {
	for m, err := range chromedp.Console(ctx) {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			c.mu.Lock()
			c.errors = append(c.errors, m.String())
			c.mu.Unlock()
		}
	}
}

func (c *browserConsole) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}

// newBrowser starts headless Chromium with a fresh profile and no
// background network traffic, or skips the test without Chromium.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found: install Debian's chromium package (apt-get install -y chromium) to run this test", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
	})
	return ctx
}

// artifactDir returns $EVIDENCEPACK_ARTIFACTS, created if needed, or a
// temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("EVIDENCEPACK_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeBrowserPack writes the HTML, JSON and index of a fixture pack to a
// directory that an httptest server on 127.0.0.1 serves.
func writeBrowserPack(t *testing.T) (*httptest.Server, *Pack) {
	t.Helper()
	db := openCase(t, "expansion")
	built := buildPack(t, db, "acme", "2026-Q3")
	built.Provisional, built.Provenance.DataThrough = true, "2026-09-30"
	dir := t.TempDir()
	if _, err := Write(dir, built, []string{"json", "html"}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteIndex(dir, "2026-Q3", []*Pack{built}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "2026-Q3", "acme.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON Pack
	if err := json.Unmarshal(data, &fromJSON); err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(server.Close)
	return server, &fromJSON
}

// openPage loads url in the tab and returns the text of the rendered DOM
// and the console errors seen while loading it.
func openPage(t *testing.T, ctx context.Context, url string) (string, []string) {
	t.Helper()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	console := &browserConsole{}
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	go console.watch(watchCtx)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("load %s: %v", url, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatalf("read text of %s: %v", url, err)
	}
	// Console events arrive asynchronously; give late ones a moment.
	time.Sleep(300 * time.Millisecond)
	return text, console.messages()
}

func TestHTMLPackInChromium(t *testing.T) {
	ctx := newBrowser(t)
	server, p := writeBrowserPack(t)
	text, errs := openPage(t, ctx, server.URL+"/2026-Q3/acme.html")
	if len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	figures := map[string]string{
		"verified resolved cases": itoa(p.WorkPerformed.VerifiedResolvedCases),
		"handle time reduction":   p.Value.HandleTimeReduction,
		"estimated cost avoided":  p.Value.EstimatedCostAvoided,
		"review accuracy":         p.Quality.ReviewAccuracy,
		"active users":            itoa(p.Adoption.ActiveUsers),
		"cost total":              p.Cost.Total,
		"cost per verified case":  p.Cost.CostPerVerifiedCase,
		"final_after":             p.FinalAfter,
		"run id":                  p.Provenance.RunID,
		"inputs sha256":           p.Provenance.InputsSHA256,
	}
	for name, want := range figures {
		if !strings.Contains(text, want) {
			t.Errorf("rendered page lacks %s %q", name, want)
		}
	}
	if !strings.Contains(text, "become final on "+p.FinalAfter) {
		t.Errorf("rendered page lacks the provisional banner with %s", p.FinalAfter)
	}
	saveScreenshot(t, ctx, "html-pack.png")
	checkPDF(t, ctx)
}

func TestIndexPageInChromium(t *testing.T) {
	ctx := newBrowser(t)
	server, p := writeBrowserPack(t)
	text, errs := openPage(t, ctx, server.URL+"/2026-Q3/index.html")
	if len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	total := p.Cost.Total
	if p.Cost.Lines == 0 {
		total = "no cost lines"
	}
	for _, want := range []string{p.Account, total, p.Quality.ReviewAccuracy, "provisional until " + p.FinalAfter} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered index lacks %q", want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(`th[data-type="number"]`)); err != nil {
		t.Fatal(err)
	}
	sorted, err := chromedp.Run(ctx, chromedp.AttributeValue(`th[data-type="number"]`, "aria-sort"))
	if err != nil {
		t.Fatal(err)
	}
	if sorted.Value != "ascending" {
		t.Errorf("aria-sort after one click = %q, want ascending", sorted.Value)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue("#packs tbody a", "href"))
	if err != nil {
		t.Fatal(err)
	}
	if href.Value != "acme.html" {
		t.Errorf("account link = %q, want acme.html", href.Value)
	}
	saveScreenshot(t, ctx, "index.png")
}

func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Quality 100 makes chromedp capture PNG; any lower value gives JPEG.
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// checkPDF prints the page to A4 and checks that the PDF has more than
// one page, counted by its /Type /Page objects.
func checkPDF(t *testing.T, ctx context.Context) {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("print to pdf: %v", err)
	}
	pages := strings.Count(string(pdf), "/Type /Page") - strings.Count(string(pdf), "/Type /Pages")
	if len(pdf) == 0 || pages < 2 {
		t.Errorf("pdf has %d bytes and %d pages, want more than one page", len(pdf), pages)
	}
	path := filepath.Join(artifactDir(t), "html-pack.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("pdf: %s (%d pages)", path, pages)
}

func itoa(n int64) string { return count(n) }
