package extract

import (
	"os"
	"path/filepath"
	"testing"

	"evidencepack/config"
)

// labelStudioTapeSources are sources that exercise the result lookups of
// labelStudioReader, with and without overrides.
func labelStudioTapeSources() map[string]config.Source {
	named := labelStudioSource()
	named.Fields = map[string]string{"verdict_from": "cmp", "failure_category_from": "score", "feedback_from": "fb"}
	overridden := labelStudioSource()
	overridden.Fields = map[string]string{"verdict": "annotation.result.0.value.choices.0", "account_id": "annotation",
		"feedback_text": "data", "label_id": "annotation.id"}
	return map[string]config.Source{"default": labelStudioSource(), "named": named, "overridden": overridden}
}

func TestLabelStudioTapeMatchesMaps(t *testing.T) {
	files := []string{"testdata/labelstudio_export.json", "testdata/labelstudio_tape.json", "testdata/generic_labels.jsonl"}
	for name, src := range labelStudioTapeSources() {
		t.Run(name, func(t *testing.T) {
			for _, file := range files {
				compareReaders(t, src, file)
			}
		})
	}
}

func TestLabelStudioTapeMatchesMapsOnRealData(t *testing.T) {
	dir := realData(t, "labels")
	for name, src := range labelStudioTapeSources() {
		src.Account = "demo"
		t.Run(name, func(t *testing.T) {
			for _, file := range jsonTestFiles(t, dir) {
				compareReaders(t, src, file)
			}
		})
	}
}

// FuzzLabelStudioTape compares the tape and map paths of
// labelStudioReader on arbitrary input, read as JSON and as JSON Lines.
func FuzzLabelStudioTape(f *testing.F) {
	for _, file := range []string{"testdata/labelstudio_export.json", "testdata/labelstudio_tape.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"export.json", "export.jsonl"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, src := range labelStudioTapeSources() {
				compareReaderOutcomes(t, src, path)
			}
		}
	})
}
