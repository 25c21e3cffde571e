package mapping

import (
	"strings"
	"testing"
)

func TestDiffAndFingerprint(t *testing.T) {
	a := extract(t, hubeiLike)
	// The same data moved down two rows: same fingerprint, no diff.
	b := extract(t, "\n\n"+hubeiLike)
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("fingerprint changed by moving the form")
	}
	if d := Diff(a, b); len(d) != 0 {
		t.Errorf("diff of moved form: %+v", d)
	}
	c := extract(t, strings.NewReplacer("110.36万元", "120万元", "|||收治率|100%|100%\n", "").Replace(hubeiLike))
	if a.Fingerprint() == c.Fingerprint() {
		t.Error("fingerprint unchanged by a changed value")
	}
	d := Diff(a, c)
	kinds := map[string]string{}
	for _, ch := range d {
		kinds[ch.Path] = ch.Kind
	}
	if kinds["fields.budget"] != "changed" || kinds["blocks.goals[0].tables.rows[3].level3"] != "removed" ||
		kinds["blocks.goals[0].tables.rows[2].level3"] != "changed" {
		t.Errorf("diff = %+v", d)
	}
}
