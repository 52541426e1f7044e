package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// process is an evidencepack subprocess whose stderr is read line by line
// as it runs.
type process struct {
	cmd   *exec.Cmd
	lines chan string // stderr lines; closed at end of output
	done  chan struct{}
	code  int
	mu    sync.Mutex
	log   bytes.Buffer // every stderr line read so far
}

// startCLI starts the binary in dir and reads its stderr in the
// background. The test's cleanup kills the process if it still runs.
func startCLI(t *testing.T, dir string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start evidencepack: %v", err)
	}
	p := &process{cmd: cmd, lines: make(chan string, 1<<16), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
		close(p.lines)
		err := cmd.Wait()
		if exit, ok := err.(*exec.ExitError); ok {
			p.code = exit.ExitCode()
		} else if err != nil {
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// waitLine returns the number of the first stderr line, counted from 1,
// that contains text, or 0 when the output ends or timeout passes first.
func (p *process) waitLine(text string, seen *int, timeout time.Duration) int {
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return 0
			}
			*seen++
			if strings.Contains(line, text) {
				return *seen
			}
		case <-deadline:
			return 0
		}
	}
}

// wait drains stderr and returns the exit code, failing the test after
// timeout.
func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	go func() {
		for range p.lines {
		}
	}()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("evidencepack %v still running after %s", p.cmd.Args[1:], timeout)
		return 0
	}
}

func (p *process) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}
