package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// jsonLayout names the top-level object members that wrap a file's
// records. A top-level object without such a member is itself a record.
type jsonLayout struct {
	arrays  []string // members whose array value lists the records, such as "batch"
	objects []string // members whose object value is the only record, such as "incident"
	// siblings passes the other members of the wrapping object to each
	// record. The records are then held until the object ends, because a
	// member such as a batch's context may follow the array.
	siblings bool
}

// jsonRecord is the raw text of one record and, when the layout sets
// siblings, the other members of the object that wraps it.
type jsonRecord struct {
	raw      []byte
	siblings map[string]any
}

// isJSONLines reports whether a file holds one JSON value per line, by its
// extension.
func isJSONLines(file string) bool {
	ext := strings.ToLower(filepath.Ext(file))
	return ext == ".jsonl" || ext == ".ndjson"
}

// streamJSONFile hands every record of a JSON or JSON Lines file to the
// function that handler returns, on a pool of workers (see recordPool).
// In JSON Lines each non-blank line is one record, so a bad line is a bad
// record. In JSON the records are the elements of a top-level array, the
// members the layout names, or the top-level objects themselves. A syntax
// error there stops the file, because the decoder cannot resume after it.
// splitJSON reads the common layouts without encoding/json.
func streamJSONFile(em *emitter, layout jsonLayout, handler recordHandler) error {
	f, br, err := openInput(em.file)
	if err != nil {
		return err
	}
	defer f.Close()
	pool := newRecordPool[jsonRecord](em, handler)
	defer pool.close()
	if isJSONLines(em.file) {
		return streamLines(em, br, pool)
	}
	err = splitJSON(br, layout, addJSON(pool))
	if derr := pool.drain(); derr != nil {
		return derr
	}
	if err != nil {
		return em.wrap(err)
	}
	return nil
}

// streamLines hands each non-blank line of a JSON Lines file to pool.
// Lines may end in LF or CRLF. A line longer than MaxLineBytes is
// quarantined as one record without being read into memory.
func streamLines(em *emitter, br *bufio.Reader, pool *recordPool[jsonRecord]) error {
	lr := &lineReader{br: br, max: MaxLineBytes}
	arena := &lineArena{}
	for {
		line, size, tooLong, err := lr.next()
		if err != nil && err != io.EOF {
			if derr := pool.drain(); derr != nil {
				return derr
			}
			return em.wrap(err)
		}
		if ferr := handleLine(em, line, size, tooLong, pool, arena); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return pool.drain()
		}
	}
}

// handleLine queues one line, or rejects it when it is too long after
// the records queued before it are reported.
func handleLine(em *emitter, line []byte, size int64, tooLong bool, pool *recordPool[jsonRecord], arena *lineArena) error {
	if tooLong {
		if err := pool.drain(); err != nil {
			return err
		}
		o, err := em.next()
		if err != nil {
			return err
		}
		return em.rejectRecord(o, tooLongReason(size), line)
	}
	if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
		// The pool keeps the slice, and lineReader reuses its buffer.
		return pool.add(jsonRecord{raw: arena.copy(trimmed)}, len(trimmed))
	}
	return nil
}

// lineArenaBlock is the size of the blocks that lineArena copies lines
// into.
const lineArenaBlock = 64 << 10

// lineArena copies lines into shared blocks, so that queuing a line does
// not allocate each time. Each byte of a block is written once, and a
// block becomes garbage when the records of its lines are handled.
type lineArena struct{ block []byte }

func (a *lineArena) copy(line []byte) []byte {
	if len(line) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, max(lineArenaBlock, len(line)))
	}
	start := len(a.block)
	a.block = append(a.block, line...)
	return a.block[start:len(a.block):len(a.block)]
}

// walkJSON reads the top-level values of a JSON stream one after another.
// An empty stream has no records.
func walkJSON(r io.Reader, layout jsonLayout, fn func(jsonRecord) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		switch tok {
		case json.Delim('['):
			err = walkArray(dec, fn)
		case json.Delim('{'):
			err = walkObject(dec, layout, fn)
		default:
			err = fmt.Errorf("top-level JSON value %v is not an object or array", tok)
		}
		if err != nil {
			return err
		}
	}
}

// walkArray hands each element of an array whose '[' has been read to fn.
func walkArray(dec *json.Decoder, fn func(jsonRecord) error) error {
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		if err := fn(jsonRecord{raw: raw}); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	return nil
}

// walkObject reads a top-level object whose '{' has been read. The
// records are the elements of a member the layout names, or the object
// itself when it has no such member.
func walkObject(dec *json.Decoder, layout jsonLayout, fn func(jsonRecord) error) error {
	members := map[string]json.RawMessage{}
	var pending []jsonRecord
	wrapped := false
	collect := fn
	if layout.siblings {
		collect = func(rec jsonRecord) error {
			pending = append(pending, rec)
			return nil
		}
	}
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return err
		}
		isWrapper, err := walkMember(dec, layout, key, members, collect)
		if err != nil {
			return err
		}
		wrapped = wrapped || isWrapper
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	return finishObject(members, pending, wrapped, fn)
}

func objectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("invalid JSON: %w", err)
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("invalid JSON: object key %v is not a string", tok)
	}
	return key, nil
}

// walkMember reads the value of one top-level member: the elements of a
// record array, the one record object, or a plain member stored in
// members. It reports whether the member held records.
func walkMember(dec *json.Decoder, layout jsonLayout, key string, members map[string]json.RawMessage, fn func(jsonRecord) error) (bool, error) {
	var raw json.RawMessage
	if slices.Contains(layout.arrays, key) {
		tok, err := dec.Token()
		if err != nil {
			return false, fmt.Errorf("invalid JSON: %w", err)
		}
		if tok != json.Delim('[') {
			return false, fmt.Errorf("member %q is %v, not an array of records", key, tok)
		}
		return true, walkArray(dec, fn)
	}
	if err := dec.Decode(&raw); err != nil {
		return false, fmt.Errorf("invalid JSON: member %q: %w", key, err)
	}
	if slices.Contains(layout.objects, key) && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return true, fn(jsonRecord{raw: raw})
	}
	members[key] = raw
	return false, nil
}

// finishObject hands on the records held for their siblings, or the
// object itself when no member held records.
func finishObject(members map[string]json.RawMessage, pending []jsonRecord, wrapped bool, fn func(jsonRecord) error) error {
	if !wrapped {
		raw, err := json.Marshal(members)
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		return fn(jsonRecord{raw: raw})
	}
	siblings := decodeMembers(members)
	for _, rec := range pending {
		rec.siblings = siblings
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// decodeMembers decodes the members of an object that wraps records.
// Members that are not valid JSON are left out.
func decodeMembers(members map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(members))
	for k, raw := range members {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			out[k] = v
		}
	}
	return out
}
