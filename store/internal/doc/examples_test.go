package doc_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/internal/doc"
	jxsync "github.com/jxsync/jxsync/sync"
)

// TestExampleDocumentsAreEncodingJSONs: the document of every shipped
// example's forms, read as an import reads them (compact table rows), holds
// the very JSON json.Marshal writes of their data; one with a changed
// value does not.
func TestExampleDocumentsAreEncodingJSONs(t *testing.T) {
	s := testkit.Service(t)
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	forms := 0
	for _, path := range testkit.Examples(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		reps, err := s.ValidateForms(path, data, jxsync.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, rep := range reps {
			forms++
			d, err := doc.Encode(rep.Result)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			got, err := dec.DecodeAll(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(rep.Result)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s [%s]: document\n%s\nwant\n%s", path, rep.Sheet, got, want)
			}
			for _, rows := range rep.Result.Tables {
				if len(rows) == 0 {
					continue
				}
				v := rows[0].Value("level3")
				v.Raw += "（改）"
				rows[0].Set("level3", v)
				changed, err := doc.Encode(rep.Result)
				if err != nil {
					t.Fatal(err)
				}
				if j, _ := dec.DecodeAll(changed, nil); string(j) == string(want) {
					t.Errorf("%s: a changed row encodes as before", path)
				}
				break
			}
		}
	}
	if forms < 8 {
		t.Errorf("%d forms read from the examples", forms)
	}
}

// TestLongAndOddlyNamedFormsAreEncodingJSONs: the document of a form on a
// sheet whose name JSON escapes (<, &, ", …) and of forms of 150 and 400
// indicator rows (compressed in several blocks, with a history) holds the
// very JSON json.Marshal writes of their data.
func TestLongAndOddlyNamedFormsAreEncodingJSONs(t *testing.T) {
	s := testkit.Service(t)
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	odd := testkit.Bundle(t, testkit.ExamplePart(t, "hubei-dept/2022/examples/caidian-minzheng-2022.yaml", `部门<整体>&"表"`, nil))
	files := map[string][]byte{"odd.xlsx": odd, "rows-150.xlsx": testkit.ProjectRows(t, 150), "rows-400.xlsx": testkit.ProjectRows(t, 400)}
	for name, data := range files {
		reps, err := s.ValidateForms(name, data, jxsync.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, rep := range reps {
			d, err := doc.Encode(rep.Result)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := dec.DecodeAll(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(rep.Result)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s [%s]: document\n%.2000s\nwant\n%.2000s", name, rep.Sheet, got, want)
			}
			if testkit.Rows(rep.Result) < 10 {
				t.Errorf("%s: %d rows read", name, testkit.Rows(rep.Result))
			}
			t.Logf("%s [%s]: %d bytes of JSON, %d stored", name, rep.Sheet, len(want), len(d))
		}
	}
}
