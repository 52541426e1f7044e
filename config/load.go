package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrInvalid is wrapped by every error that reports a bad config file, so
// callers can tell config errors from I/O errors with errors.Is.
var ErrInvalid = errors.New("invalid config")

// Error is a problem at one key of the config file.
type Error struct {
	File string
	Line int    // 1-based; 0 when the key has no position
	Key  string // dotted path such as sources[1].kind
	Msg  string
}

// Error formats the problem as "file:line: key: message".
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Key, e.Msg)
}

// Unwrap makes every config Error match ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Load reads, expands, decodes and validates the config file at path. The
// lookup function resolves ${VAR} references; pass os.LookupEnv in
// production.
func Load(path string, lookup func(string) (string, bool)) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	values := map[string]string{}
	expanded, err := expandEnv(path, raw, lookup, values)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeAndValidate(path, expanded)
	if err != nil {
		return nil, scrubValues(err, values)
	}
	return cfg, nil
}

func decodeAndValidate(path string, expanded []byte) (*Config, error) {
	cfg, err := decode(path, expanded)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("resolve config directory: %w", err)
	}
	cfg.Dir = abs
	cfg.applyDefaults()
	if err := cfg.validate(path, expanded); err != nil {
		return nil, err
	}
	if err := cfg.loadAccountsFile(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// scrubbedError is an error whose text had environment values replaced by
// their ${VAR} references. Unwrap keeps errors.Is working.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubValues replaces every expanded environment value in err's text with
// its ${VAR} reference, because values may be secrets and config errors
// echo the bad value.
func scrubValues(err error, values map[string]string) error {
	msg := err.Error()
	scrubbed := msg
	for name, v := range values {
		if len(v) >= 3 {
			scrubbed = strings.ReplaceAll(scrubbed, v, "${"+name+"}")
		}
	}
	if scrubbed == msg {
		return err
	}
	return &scrubbedError{msg: scrubbed, err: err}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\$`)

// expandEnv replaces ${VAR} with the variable's value line by line, so line
// numbers stay those of the file. "$$" writes a literal "$". Comments,
// whole-line or after a value, are left alone. A reference to an unset or
// empty variable is an error. The values used are stored in values.
func expandEnv(path string, raw []byte, lookup func(string) (string, bool), values map[string]string) ([]byte, error) {
	lines := bytes.Split(raw, []byte("\n"))
	for i, line := range lines {
		code, comment := splitComment(line)
		var problem, name string
		expanded := envRef.ReplaceAllFunc(code, func(m []byte) []byte {
			if string(m) == "$$" {
				return []byte("$")
			}
			ref := string(m[2 : len(m)-1])
			v, ok := lookup(ref)
			switch {
			case problem != "":
			case !ok:
				problem, name = "environment variable is not set; export it or remove the reference", ref
			case v == "":
				problem, name = "environment variable is set but empty; give it a value or remove the reference", ref
			case strings.ContainsAny(v, "\n\r"):
				problem, name = "environment variable's value contains a line break", ref
			}
			values[ref] = v
			return []byte(v)
		})
		if problem != "" {
			return nil, &Error{File: path, Line: i + 1, Key: "${" + name + "}", Msg: problem}
		}
		lines[i] = append(expanded[:len(expanded):len(expanded)], comment...)
	}
	return bytes.Join(lines, []byte("\n")), nil
}

// splitComment splits a YAML line before its comment: a "#" at the start
// of the line or after a space or tab, outside quotes.
func splitComment(line []byte) (code, comment []byte) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '"' && c == '\\':
			i++ // an escaped character cannot close the string
		case quote == '\'' && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			i++ // '' is a quote inside a single-quoted string
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' || line[i-1] == ':' || line[i-1] == '[' || line[i-1] == ',' || line[i-1] == '-' {
				quote = c
			}
		case c == '#':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return line[:i], line[i:]
			}
		}
	}
	return line, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func decode(path string, data []byte) (*Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&cfg)
	if errors.Is(err, io.EOF) {
		return nil, &Error{File: path, Key: "(file)", Msg: "config file is empty"}
	}
	if err != nil {
		return nil, decodeError(path, err)
	}
	return &cfg, nil
}

// decodeError turns the yaml package's errors into config Errors that name
// the line and, for unknown keys, the key.
func decodeError(path string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		e := &Error{File: path, Key: "(yaml)", Msg: m}
		if sub := yamlLine.FindStringSubmatch(m); sub != nil {
			fmt.Sscanf(sub[1], "%d", &e.Line)
			e.Msg = sub[2]
			e.Key, e.Msg = splitKeyMessage(sub[2])
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

func splitKeyMessage(msg string) (string, string) {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		return m[1], "unknown key"
	}
	return "(value)", msg
}
