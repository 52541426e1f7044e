package transforms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// MinPseudonymKeyBytes is the shortest HMAC key Pseudonymizer accepts:
// 32 bytes, the output size of SHA-256.
const MinPseudonymKeyBytes = 32

// Pseudonymizer replaces user and reviewer ids with keyed pseudonyms:
// "u_" and the first 24 hex digits of HMAC-SHA256(key, account_id NUL id).
// The same key, account and id always give the same pseudonym, so counts
// of distinct users stay right across runs, and the account in the input
// keeps one user's pseudonyms apart between accounts.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a pseudonymizer with a copy of key. It fails
// when the key is shorter than MinPseudonymKeyBytes; the error never
// contains the key.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinPseudonymKeyBytes {
		return nil, fmt.Errorf("pseudonym key has %d bytes, need at least %d", len(key), MinPseudonymKeyBytes)
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// Pseudonym returns the pseudonym of id within account. An empty id stays
// empty, because it is a NULL in the fact.
func (p *Pseudonymizer) Pseudonym(account, id string) string {
	if id == "" {
		return ""
	}
	mac := hmac.New(sha256.New, p.key)
	mac.Write([]byte(account))
	mac.Write([]byte{0})
	mac.Write([]byte(id))
	return "u_" + hex.EncodeToString(mac.Sum(nil))[:24]
}

// String hides the key when a Pseudonymizer is formatted or logged.
func (p *Pseudonymizer) String() string { return "Pseudonymizer{key: [hidden]}" }

// GoString hides the key from %#v.
func (p *Pseudonymizer) GoString() string { return p.String() }
