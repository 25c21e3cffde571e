package doc

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestDocumentOfEarlierVersionDecodes: the documents in testdata were
// stored by jxsync before compact table rows (issue 12), from the shipped
// examples lechang-canji-2021 (national-project, top-level indicator
// table) and caidian-jiuzhu-2022 (hubei-dept, tables in blocks). They
// decode, and encode again to the very JSON stored; a document whose row
// holds another value does not.
func TestDocumentOfEarlierVersionDecodes(t *testing.T) {
	for _, name := range []string{"document-national-project.zst", "document-hubei-dept.zst"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := decoder()
		if err != nil {
			t.Fatal(err)
		}
		stored, err := dec.DecodeAll(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows := 0
		for _, rs := range res.Tables {
			rows += len(rs)
		}
		for _, insts := range res.Blocks {
			for _, b := range insts {
				for _, rs := range b.Tables {
					rows += len(rs)
					if len(rs) > 0 && rs[0].Value("level3").Cell == "" {
						t.Errorf("%s: a block's first row has no level3 cell: %+v", name, rs[0])
					}
				}
			}
		}
		if rows == 0 {
			t.Fatalf("%s: no table rows decoded", name)
		}
		again, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, stored) {
			t.Errorf("%s: encodes to\n%s\nstored\n%s", name, again, stored)
		}
		// The failing case: a changed value shows in the JSON.
		for _, rs := range res.Tables {
			if len(rs) == 0 {
				continue
			}
			v := rs[0].Value("level3")
			v.Raw += "（改）"
			rs[0].Set("level3", v)
			if again, _ := json.Marshal(res); bytes.Equal(again, stored) || !strings.Contains(string(again), "（改）") {
				t.Errorf("%s: a changed row encodes as stored", name)
			}
			break
		}
	}
}
