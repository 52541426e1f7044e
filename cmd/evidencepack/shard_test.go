package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoShardedRunAndFinalize(t *testing.T) {
	dir := demoWorkspace(t)
	window := []string{"--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-02"}

	res := runCLI(t, dir, append([]string{"run", "--finalize"}, window...)...)
	if res.code == 0 {
		t.Errorf("finalize before any shard exited 0\n%s", res.stdout)
	}
	for _, shard := range []string{"0/2", "1/2"} {
		res := runCLI(t, dir, append([]string{"run", "--shard", shard}, window...)...)
		if res.code != 0 {
			t.Fatalf("shard %s exit %d\n%s\n%s", shard, res.code, res.stdout, res.stderr)
		}
	}
	res = runCLI(t, dir, append([]string{"run", "--finalize"}, window...)...)
	if res.code != 0 {
		t.Fatalf("finalize exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	packs, err := filepath.Glob(filepath.Join(dir, "out", "packs", "*", "*.json"))
	if err != nil || len(packs) == 0 {
		t.Errorf("no JSON pack under out/packs after finalize: %v", err)
	}
	for _, shard := range []string{"0of2", "1of2"} {
		files, _ := filepath.Glob(filepath.Join(dir, "out", "facts", "*", "dt=*", "part-*-"+shard+".parquet"))
		if len(files) == 0 {
			t.Errorf("no Parquet file of shard %s", shard)
		}
	}
}

func TestDemoShardFlagsRejected(t *testing.T) {
	dir := demoWorkspace(t)
	for _, args := range [][]string{
		{"--shard", "2/2"},
		{"--shard", "0/2", "--finalize"},
	} {
		res := runCLI(t, dir, append([]string{"run", "--config", "config/demo.yaml", "--date", "2026-07-01"}, args...)...)
		if res.code != 2 {
			t.Errorf("run %s exit %d, want 2\n%s", strings.Join(args, " "), res.code, res.stderr)
		}
	}
}
