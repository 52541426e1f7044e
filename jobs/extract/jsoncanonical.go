package extract

import (
	"bytes"
	"slices"

	"evidencepack/transforms/jsonquote"
)

// maxCachedOrders is how many object nodes, counted from the start of a
// tape, keep their member order between records.
const maxCachedOrders = 64

// tapeMember is one object member while appendCanonical sorts them.
type tapeMember struct {
	key   []byte
	value int32
	order int32
}

// appendCanonical appends the json.Marshal encoding of node i: object
// keys sorted and unique (the last duplicate wins), no white space,
// numbers as written, and strings escaped as json.Marshal escapes them.
// Members of the top-level object whose key is in skip are left out.
func (t *jsonTape) appendCanonical(dst []byte, i int32, skip []string) []byte {
	n := &t.nodes[i]
	switch n.kind {
	case tapeNull:
		return append(dst, "null"...)
	case tapeFalse:
		return append(dst, "false"...)
	case tapeTrue:
		return append(dst, "true"...)
	case tapeNumber:
		return append(dst, t.raw[n.lo:n.hi]...)
	case tapeString:
		if n.flags&tapeVerbatim != 0 {
			dst = append(dst, '"')
			dst = append(dst, t.raw[n.lo:n.hi]...)
			return append(dst, '"')
		}
		return jsonquote.Append(dst, t.textOf(i))
	case tapeArray:
		dst = append(dst, '[')
		k := i + 1
		for e := range n.n {
			if e > 0 {
				dst = append(dst, ',')
			}
			dst = t.appendCanonical(dst, k, nil)
			k = t.nodes[k].next
		}
		return append(dst, ']')
	}
	return t.appendObject(dst, i, skip)
}

// appendObject appends object node i with its members sorted by key.
func (t *jsonTape) appendObject(dst []byte, i int32, skip []string) []byte {
	base := len(t.members)
	k := i + 1
	for m := range t.nodes[i].n {
		t.members = append(t.members, tapeMember{key: t.textOf(k), value: k + 1, order: m})
		k = t.nodes[k+1].next
	}
	end := len(t.members)
	dst = append(dst, '{')
	first := true
	if order := t.cachedOrder(i, base, end); order != nil {
		for _, m := range order {
			dst = t.appendMember(dst, t.members[base+int(m)], skip, &first)
		}
	} else {
		slices.SortFunc(t.members[base:end], func(a, b tapeMember) int {
			if c := bytes.Compare(a.key, b.key); c != 0 {
				return c
			}
			return int(a.order - b.order)
		})
		unique := true
		for m := base; m < end; m++ {
			member := t.members[m]
			if m+1 < end && bytes.Equal(t.members[m+1].key, member.key) {
				unique = false
				continue // a later duplicate of this key wins
			}
			dst = t.appendMember(dst, member, skip, &first)
		}
		if unique {
			t.storeOrder(i, base, end)
		}
	}
	t.members = t.members[:base]
	return append(dst, '}')
}

// cachedOrder returns the member order stored for object node i when it
// sorts the members at t.members[base:end] with no two keys equal, and nil
// otherwise.
func (t *jsonTape) cachedOrder(i int32, base, end int) []int32 {
	if int(i) >= len(t.orders) {
		return nil
	}
	order := t.orders[i]
	if len(order) == 0 || len(order) != end-base {
		return nil
	}
	for k := 1; k < len(order); k++ {
		if bytes.Compare(t.members[base+int(order[k-1])].key, t.members[base+int(order[k])].key) >= 0 {
			return nil
		}
	}
	return order
}

// storeOrder keeps the input positions of the sorted members at
// t.members[base:end] as the order of object node i.
func (t *jsonTape) storeOrder(i int32, base, end int) {
	if i >= maxCachedOrders {
		return
	}
	for int(i) >= len(t.orders) {
		t.orders = append(t.orders, nil)
	}
	order := t.orders[i][:0]
	for m := base; m < end; m++ {
		order = append(order, t.members[m].order)
	}
	t.orders[i] = order
}

// appendMember appends one member of an object unless skip names its key.
// first is true until the object has its first member.
func (t *jsonTape) appendMember(dst []byte, member tapeMember, skip []string, first *bool) []byte {
	if isSkipped(skip, member.key) {
		return dst
	}
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	if t.nodes[member.value-1].flags&tapeVerbatim != 0 {
		dst = append(dst, '"')
		dst = append(dst, member.key...)
		dst = append(dst, '"')
	} else {
		dst = jsonquote.Append(dst, member.key)
	}
	dst = append(dst, ':')
	return t.appendCanonical(dst, member.value, nil)
}

func isSkipped(skip []string, key []byte) bool {
	for _, s := range skip {
		if string(key) == s {
			return true
		}
	}
	return false
}
