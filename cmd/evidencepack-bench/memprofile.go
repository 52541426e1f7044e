package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// heapSampleEvery is how often the peak heap profiler reads the heap size.
const heapSampleEvery = 50 * time.Millisecond

// peakHeapProfiler keeps the heap profile taken when the Go heap held the
// most objects, live or not yet collected. That profile shows what fills
// memory at the peak, not at the end, when the buffers are released.
type peakHeapProfiler struct {
	path string
	stop chan struct{}
	done chan struct{}
	peak uint64 // heap object bytes when best was taken
	best bytes.Buffer
}

// startPeakHeapProfile samples the heap size until the returned function
// is called, which writes the profile of the peak to path.
func startPeakHeapProfile(path string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create heap profile %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create heap profile %s: %w", path, err)
	}
	p := &peakHeapProfiler{path: path, stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p.finish, nil
}

func (p *peakHeapProfiler) loop() {
	defer close(p.done)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(heapSampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		heap := sample[0].Value.Uint64()
		// A new profile only when the heap grew by a twentieth, so that
		// a slowly rising heap does not write a profile on every tick.
		if heap <= p.peak+p.peak/20 {
			continue
		}
		// A profile that fails to write is skipped: finish writes one
		// of the end and reports its error if no sample succeeded.
		var buf bytes.Buffer
		if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
			continue
		}
		p.peak, p.best = heap, buf
	}
}

// finish stops sampling and writes the profile of the peak.
func (p *peakHeapProfiler) finish() error {
	close(p.stop)
	<-p.done
	if p.best.Len() == 0 {
		// The work ended before the first sample: profile the end.
		if err := pprof.Lookup("heap").WriteTo(&p.best, 0); err != nil {
			return fmt.Errorf("write heap profile %s: %w", p.path, err)
		}
	}
	if err := os.WriteFile(p.path, p.best.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write heap profile %s: %w", p.path, err)
	}
	return nil
}
